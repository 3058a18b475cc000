//! IRIs used when ontologies and annotations are written as RDF.

pub const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
pub const RDFS_LABEL: &str = "http://www.w3.org/2000/01/rdf-schema#label";
pub const RDFS_COMMENT: &str = "http://www.w3.org/2000/01/rdf-schema#comment";
pub const RDFS_SUBCLASS_OF: &str = "http://www.w3.org/2000/01/rdf-schema#subClassOf";
pub const OWL_CLASS: &str = "http://www.w3.org/2002/07/owl#Class";
pub const OWL_ONTOLOGY: &str = "http://www.w3.org/2002/07/owl#Ontology";
pub const OWL_VERSION_IRI: &str = "http://www.w3.org/2002/07/owl#versionIRI";
pub const OWL_VERSION_INFO: &str = "http://www.w3.org/2002/07/owl#versionInfo";
pub const OWL_DEPRECATED: &str = "http://www.w3.org/2002/07/owl#deprecated";
pub const XSD_BOOLEAN: &str = "http://www.w3.org/2001/XMLSchema#boolean";
pub const SKOS_EXACT_MATCH: &str = "http://www.w3.org/2004/02/skos/core#exactMatch";
/// `IAO:0000115`, definition.
pub const DEFINITION: &str = "http://purl.obolibrary.org/obo/IAO_0000115";
/// `IAO:0100001`, term replaced by.
pub const REPLACED_BY: &str = "http://purl.obolibrary.org/obo/IAO_0100001";
pub const OBO_IN_OWL: &str = "http://www.geneontology.org/formats/oboInOwl#";
pub const OBO: &str = "http://purl.obolibrary.org/obo/";
pub const ORDO: &str = "http://www.orpha.net/ORDO/Orphanet_";
pub const BIOLINK: &str = "https://w3id.org/biolink/vocab/";

/// `oboInOwl:` + local name.
pub fn oboinowl(local: &str) -> String {
    format!("{OBO_IN_OWL}{local}")
}

/// `biolink:` + local name.
pub fn biolink(local: &str) -> String {
    format!("{BIOLINK}{local}")
}

/// The IRI of a CURIE: OBO PURLs for OBO ontologies, ORDO IRIs for Orphanet,
/// identifiers.org for the rest.
pub fn curie_iri(curie: &str) -> String {
    let (prefix, local) = curie.split_once(':').unwrap_or(("", curie));
    match prefix {
        "HP" | "MONDO" | "DOID" => format!("{OBO}{prefix}_{local}"),
        "ORPHA" => format!("{ORDO}{local}"),
        "OMIM" => format!("https://omim.org/entry/{local}"),
        "HGNC" => format!("http://identifiers.org/hgnc/{local}"),
        "NCBIGene" => format!("http://identifiers.org/ncbigene/{local}"),
        "DECIPHER" => format!("https://www.deciphergenomics.org/syndrome/{local}"),
        _ => format!(
            "http://identifiers.org/{}/{local}",
            prefix.to_ascii_lowercase()
        ),
    }
}

/// The CURIE of an OBO or ORDO IRI, when it is one.
pub fn iri_curie(iri: &str) -> Option<String> {
    if let Some(rest) = iri.strip_prefix(OBO) {
        let (p, l) = rest.split_once('_')?;
        return Some(format!("{p}:{l}"));
    }
    iri.strip_prefix(ORDO).map(|l| format!("ORPHA:{l}"))
}
