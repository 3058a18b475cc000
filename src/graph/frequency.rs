//! Query-time frequency arithmetic: how often a disease shows a phenotype,
//! as a fraction of patients.

use super::model::*;
use petgraph::graph::Graph;

/// The frequency of an association as a fraction: the most precise
/// assertion wins (a patient count over a percentage over a frequency term).
pub(crate) fn association_frequency(
    g: &Graph<Node, Edge, petgraph::Directed, u32>,
    a: &[PhenotypeAssertion],
) -> Option<f64> {
    a.iter()
        .filter_map(|x| x.frequency.as_ref())
        .min_by_key(|f| f.precision())
        .and_then(|f| frequency_value(g, f))
}

/// A frequency as a fraction of patients. Frequency terms take the middle of
/// their range, as HPO defines them.
pub(crate) fn frequency_value(
    g: &Graph<Node, Edge, petgraph::Directed, u32>,
    f: &Frequency,
) -> Option<f64> {
    match *f {
        Frequency::Ratio(n, m) => Some(n as f64 / m as f64),
        Frequency::Percent(p) => Some(p as f64 / 100.0),
        Frequency::Term(t) => match &g[t] {
            Node::Phenotype(p) => match p.id.as_str() {
                "HP:0040280" => Some(1.0),
                "HP:0040281" => Some(0.895),
                "HP:0040282" => Some(0.545),
                "HP:0040283" => Some(0.17),
                "HP:0040284" => Some(0.025),
                "HP:0040285" => Some(0.0),
                _ => None,
            },
            _ => None,
        },
    }
}
