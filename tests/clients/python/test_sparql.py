"""Real SPARQL clients (rdflib's SPARQLStore, SPARQLWrapper) against a
running server, with their default settings.

The server's base URL comes from RAREKG_URL, e.g. http://127.0.0.1:8080.
"""

import os
import xml.dom.minidom

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, XML, SPARQLWrapper

OBO = "http://purl.obolibrary.org/obo/"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
PREFIXES = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX obo: <http://purl.obolibrary.org/obo/>
"""
LABEL = PREFIXES + "SELECT ?label WHERE { obo:HP_0003701 rdfs:label ?label }"
# Current (not deprecated) HP classes: 19034 in the vendored hp.obo
# (2025-01-16).
CURRENT_HP_CLASSES = 19034
COUNT_HP_CLASSES = (
    PREFIXES
    + """SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {
  ?c a owl:Class . FILTER(STRSTARTS(STR(?c), "http://purl.obolibrary.org/obo/HP_"))
  FILTER NOT EXISTS { ?c owl:deprecated true }
}"""
)
CONSTRUCT = (
    PREFIXES + "CONSTRUCT { obo:HP_0003701 ?p ?o } WHERE { obo:HP_0003701 ?p ?o }"
)
# What HP:0003701 (Proximal muscle weakness) has in the vendored release.
HP_0003701_TRIPLES = 22


@pytest.fixture(scope="session")
def endpoint():
    base = os.environ.get("RAREKG_URL")
    if not base:
        pytest.fail("set RAREKG_URL to the server's base URL, e.g. http://127.0.0.1:8080")
    return base.rstrip("/") + "/sparql"


@pytest.fixture()
def store(endpoint):
    # Default settings: GET, returnFormat "xml".
    return SPARQLStore(endpoint)


def test_rdflib_select_reads_a_label(store):
    rows = list(Graph(store).query(LABEL))
    assert [r.label for r in rows] == [Literal("Proximal muscle weakness")]


def test_rdflib_select_counts_the_current_hp_classes(store):
    (row,) = Graph(store).query(COUNT_HP_CLASSES)
    assert int(row.n) == CURRENT_HP_CLASSES


def test_rdflib_ask(store):
    g = Graph(store)
    ask = PREFIXES + "ASK { obo:HP_0003701 rdfs:subClassOf+ obo:HP_0000001 }"
    assert g.query(ask).askAnswer is True
    never = PREFIXES + "ASK { obo:HP_0000001 rdfs:subClassOf+ obo:HP_0003701 }"
    assert g.query(never).askAnswer is False


def test_rdflib_construct_returns_the_triples(store):
    result = Graph(store).query(CONSTRUCT)
    graph = result.graph
    assert len(graph) == HP_0003701_TRIPLES
    subject = URIRef(OBO + "HP_0003701")
    assert set(graph.subjects()) == {subject}
    assert (
        subject,
        URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf"),
        URIRef(OBO + "HP_0001324"),
    ) in graph
    # The same count the server gives for the distinct triples.
    count = (
        PREFIXES
        + "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?p ?o WHERE { obo:HP_0003701 ?p ?o } }"
    )
    (row,) = Graph(store).query(count)
    assert int(row.n) == len(graph)


def test_rdflib_graph_identifier_is_the_default_graph(store):
    # rdflib sends a Graph's identifier as default-graph-uri.
    graphs = [
        str(r.g) for r in Graph(store).query("SELECT DISTINCT ?g WHERE { GRAPH ?g {} }")
    ]
    hpo = next(g for g in graphs if "/hp/releases/" in g)
    ordo = next(g for g in graphs if "/ORDO/releases/" in g)
    (row,) = Graph(store, identifier=URIRef(hpo)).query(COUNT_HP_CLASSES)
    assert int(row.n) == CURRENT_HP_CLASSES
    (row,) = Graph(store, identifier=URIRef(ordo)).query(COUNT_HP_CLASSES)
    assert int(row.n) == 0


def test_rdflib_reads_the_service_description(endpoint):
    g = Graph().parse(endpoint)
    (service,) = g.subjects(SD.endpoint, URIRef(endpoint))
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in g
    names = {str(n) for n in g.objects(None, SD.name)}
    assert any("/hp/releases/" in n for n in names), names


def test_sparqlwrapper_select_json(endpoint):
    sparql = SPARQLWrapper(endpoint)
    sparql.setQuery(LABEL)
    sparql.setReturnFormat(JSON)
    results = sparql.query().convert()
    assert results["head"]["vars"] == ["label"]
    assert [b["label"]["value"] for b in results["results"]["bindings"]] == [
        "Proximal muscle weakness"
    ]


def test_sparqlwrapper_select_xml(endpoint):
    sparql = SPARQLWrapper(endpoint)
    sparql.setQuery(LABEL)
    sparql.setReturnFormat(XML)
    doc = sparql.query().convert()
    assert isinstance(doc, xml.dom.minidom.Document)
    literals = [
        n.firstChild.data
        for b in doc.getElementsByTagName("binding")
        if b.getAttribute("name") == "label"
        for n in b.getElementsByTagName("literal")
    ]
    assert literals == ["Proximal muscle weakness"]
