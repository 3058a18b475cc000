//! Graph exploration over the real release: neighbourhoods, paths through
//! the record layer, related diseases, and their limits.

use crate::common::{query, run};
use serde_json::{json, Value};

fn code(q: &str) -> Option<async_graphql::Value> {
    let r = run(q, json!({}));
    r.errors[0]
        .extensions
        .as_ref()
        .unwrap()
        .get("code")
        .cloned()
}

#[test]
fn the_neighborhood_of_polymyositis_is_ready_to_draw() {
    let v = query(
        r#"{ neighborhood(id: "ORPHA:732", depth: 1) {
               truncated nodes { id: entityId type label category depth } edges { source target type predicate } } }"#,
        json!({}),
    );
    let n = &v["neighborhood"];
    let nodes = n["nodes"].as_array().unwrap();
    assert_eq!(nodes[0]["id"], "MONDO:0019127");
    assert_eq!(nodes[0]["depth"], 0);
    assert_eq!(nodes[0]["category"], "biolink:Disease");
    // Proximal muscle weakness is one of its phenotypes.
    assert!(nodes
        .iter()
        .any(|x| x["id"] == "HP:0003701" && x["type"] == "PHENOTYPE" && x["depth"] == 1));
    let ids: Vec<&Value> = nodes.iter().map(|x| &x["id"]).collect();
    for e in n["edges"].as_array().unwrap() {
        // Every edge touches the start and ends at a listed node.
        assert!(e["source"] == "MONDO:0019127" || e["target"] == "MONDO:0019127");
        assert!(ids.contains(&&e["source"]) && ids.contains(&&e["target"]));
    }
    assert!(n["edges"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["target"] == "HP:0003701" && e["predicate"] == "biolink:has_phenotype"));
    // Filters and the limit.
    let v = query(
        r#"{ neighborhood(id: "ORPHA:732", depth: 2, nodeTypes: [DISEASE], limit: 3) { truncated nodes { type } } }"#,
        json!({}),
    );
    let nodes = v["neighborhood"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 3);
    assert!(nodes.iter().all(|x| x["type"] == "DISEASE"));
    assert_eq!(v["neighborhood"]["truncated"], true);
}

#[test]
fn the_shortest_path_from_a_designated_drug_to_a_gene_passes_through_its_disease() {
    // Omaveloxolone is designated for Friedreich ataxia, caused by FXN.
    let v = query(
        r#"{ paths(from: "DRUG:omaveloxolone", to: "FXN", maxLength: 4) {
               length nodes { id: entityId type } edges { source target type } } }"#,
        json!({}),
    );
    let paths = v["paths"].as_array().unwrap();
    assert!(!paths.is_empty());
    for p in paths {
        assert_eq!(p["length"], 3);
        let types: Vec<&str> = p["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["type"].as_str().unwrap())
            .collect();
        assert_eq!(types[0], "DRUG");
        assert_eq!(types[3], "GENE");
        assert_eq!(types[2], "DISEASE");
    }
    // Through the designation: drug -> designation -> disease -> gene.
    let via = query(
        r#"{ paths(from: "DRUG:omaveloxolone", to: "FXN", via: [DESIGNATION, DISEASE]) {
               nodes { id: entityId type label } edges { type } } }"#,
        json!({}),
    );
    let p = &via["paths"][0];
    assert_eq!(p["nodes"][1]["type"], "DESIGNATION");
    // A designation's id finds it again.
    let designation = p["nodes"][1]["id"].as_str().unwrap();
    let v = query(
        r#"query($id: ID!) { neighborhood(id: $id) { nodes { id: entityId type } } }"#,
        json!({ "id": designation }),
    );
    assert_eq!(v["neighborhood"]["nodes"][0]["id"], designation);
    assert_eq!(p["nodes"][2]["label"], "Friedreich ataxia");
    let edges: Vec<&str> = p["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        edges,
        ["DRUG_DESIGNATION", "DESIGNATION_DISEASE", "GENE_DISEASE"]
    );
}

#[test]
fn related_diseases_share_weighted_phenotypes_and_genes() {
    let v = query(
        r#"{ byPhenotypes: relatedDiseases(id: "ORPHA:732", first: 10) { disease { id name } score sharedPhenotypes { id } }
             byGenes: relatedDiseases(id: "MONDO:0007947", by: GENES, first: 5) { disease { name } score sharedGenes { symbol } } }"#,
        json!({}),
    );
    let r = v["byPhenotypes"].as_array().unwrap();
    let scores: Vec<f64> = r.iter().map(|x| x["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]));
    assert!(r
        .iter()
        .all(|x| !x["sharedPhenotypes"].as_array().unwrap().is_empty()));
    // Marfan syndrome's (MONDO:0007947) related diseases by genes share
    // its gene, FBN1.
    let marfan = query(
        r#"{ disease(id: "MONDO:0007947") { genes(first: 50) { edges { node { symbol } } } } }"#,
        json!({}),
    );
    let genes: Vec<&Value> = marfan["disease"]["genes"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"]["symbol"])
        .collect();
    let g = v["byGenes"].as_array().unwrap();
    assert!(!g.is_empty());
    for x in g {
        let shared = x["sharedGenes"].as_array().unwrap();
        assert!(!shared.is_empty() && shared.iter().all(|s| genes.contains(&&s["symbol"])));
    }
    assert_eq!(g[0]["sharedGenes"][0]["symbol"], "FBN1");
}

#[test]
fn exploration_limits_and_unknown_ids_are_refused() {
    use async_graphql::Value as V;
    assert_eq!(
        code(r#"{ neighborhood(id: "ORPHA:732", depth: 4) { truncated } }"#),
        Some(V::from("BAD_USER_INPUT"))
    );
    assert_eq!(
        code(r#"{ neighborhood(id: "ORPHA:732", limit: 100000) { truncated } }"#),
        Some(V::from("BAD_USER_INPUT"))
    );
    assert_eq!(
        code(r#"{ neighborhood(id: "ORPHA:999999999") { truncated } }"#),
        Some(V::from("NOT_FOUND"))
    );
    assert_eq!(
        code(r#"{ paths(from: "DRUG:omaveloxolone", to: "FXN", maxLength: 7) { length } }"#),
        Some(V::from("BAD_USER_INPUT"))
    );
}

/// The walks as plain breadth-first searches over `explore::links` find
/// them: the neighbourhood with its crossed links, and the shortest paths
/// from every parent at the previous level, walked back in order.
mod plain {
    use rarekg::graph::explore::{links, Entity, Filter, Link};
    use rarekg::graph::KnowledgeGraph;
    use rustc_hash::FxHashMap as HashMap;
    use std::collections::VecDeque;

    fn edge(f: &Filter, l: &Link) -> bool {
        f.edges.is_empty() || f.edges.contains(&l.kind)
    }
    fn entity(f: &Filter, e: Entity) -> bool {
        f.entities.is_empty() || f.entities.contains(&e.kind())
    }

    #[allow(clippy::type_complexity, clippy::map_entry)]
    pub fn neighborhood(
        kg: &KnowledgeGraph,
        start: Entity,
        depth: u32,
        filter: &Filter,
        limit: usize,
    ) -> (Vec<(Entity, u32)>, Vec<Link>, bool) {
        let mut seen = HashMap::from_iter([(start, 0)]);
        let mut nodes = vec![(start, 0)];
        let mut crossed = Vec::new();
        let mut queue = VecDeque::from([(start, 0)]);
        let mut truncated = false;
        while let Some((e, d)) = queue.pop_front() {
            if d >= depth {
                continue;
            }
            links(kg, e, |l, o| {
                if !edge(filter, &l) || !entity(filter, o) {
                    return;
                }
                if !seen.contains_key(&o) {
                    if nodes.len() >= limit {
                        truncated = true;
                        return;
                    }
                    seen.insert(o, d + 1);
                    nodes.push((o, d + 1));
                    queue.push_back((o, d + 1));
                }
                crossed.push(l);
            });
        }
        crossed.sort_unstable();
        crossed.dedup();
        (nodes, crossed, truncated)
    }

    #[allow(clippy::type_complexity)]
    pub fn shortest_paths(
        kg: &KnowledgeGraph,
        from: Entity,
        to: Entity,
        max_length: u32,
        filter: &Filter,
        max_paths: usize,
    ) -> Vec<(Vec<Entity>, Vec<Link>)> {
        if from == to {
            return vec![(vec![from], Vec::new())];
        }
        let mut level = HashMap::from_iter([(from, 0)]);
        let mut parents: HashMap<Entity, Vec<(Entity, Link)>> = HashMap::default();
        let mut frontier = vec![from];
        let mut d = 0;
        while !frontier.is_empty() && d < max_length && !level.contains_key(&to) {
            let mut next = Vec::new();
            for &e in &frontier {
                links(kg, e, |l, o| {
                    if !edge(filter, &l) || (o != to && !entity(filter, o)) {
                        return;
                    }
                    match level.get(&o) {
                        None => {
                            level.insert(o, d + 1);
                            parents.insert(o, vec![(e, l)]);
                            next.push(o);
                        }
                        Some(&lo) if lo == d + 1 => parents.entry(o).or_default().push((e, l)),
                        _ => {}
                    }
                });
            }
            frontier = next;
            d += 1;
        }
        if !level.contains_key(&to) {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut stack = vec![(to, vec![to], Vec::new())];
        while let Some((e, path, edges)) = stack.pop() {
            if out.len() >= max_paths {
                break;
            }
            if e == from {
                let (mut p, mut l) = (path, edges);
                p.reverse();
                l.reverse();
                out.push((p, l));
                continue;
            }
            let mut ps = parents.get(&e).cloned().unwrap_or_default();
            ps.sort_unstable();
            ps.dedup_by_key(|x| x.0);
            for (p, l) in ps.into_iter().rev() {
                let mut path = path.clone();
                path.push(p);
                let mut edges = edges.clone();
                edges.push(l);
                stack.push((p, path, edges));
            }
        }
        out
    }
}

#[test]
fn neighbourhoods_and_paths_are_those_of_a_plain_breadth_first_walk() {
    use rarekg::graph::explore::{self, EdgeKind, EntityKind, Filter};
    let kg = crate::common::kg();
    let find = |id: &str| explore::find(&kg, id).unwrap_or_else(|| panic!("{id}"));
    let starts = [
        "ORPHA:732",
        "HP:0003701",
        "FXN",
        "DRUG:omaveloxolone",
        "MONDO:0007947",
    ];
    let filters = [
        Filter::default(),
        Filter {
            edges: vec![],
            entities: vec![EntityKind::Disease],
        },
        Filter {
            edges: vec![EdgeKind::DiseasePhenotype, EdgeKind::SubclassOf],
            entities: vec![],
        },
        Filter {
            edges: vec![],
            entities: vec![EntityKind::Designation, EntityKind::Disease],
        },
    ];
    for s in starts {
        let start = find(s);
        for f in &filters {
            for (depth, limit) in [(0, 10), (1, 1), (1, 500), (2, 3), (2, 2000), (3, 2000)] {
                let n = explore::neighborhood(&kg, start, depth, f, limit);
                let (nodes, links, truncated) = plain::neighborhood(&kg, start, depth, f, limit);
                assert_eq!(n.nodes, nodes, "{s} {f:?} {depth} {limit}");
                assert_eq!(n.links, links, "{s} {f:?} {depth} {limit}");
                assert_eq!(n.truncated, truncated, "{s} {f:?} {depth} {limit}");
            }
            for t in starts {
                let to = find(t);
                for (max_length, max_paths) in [(0, 5), (1, 5), (3, 1), (4, 5), (4, 100)] {
                    assert_eq!(
                        explore::shortest_paths(&kg, start, to, max_length, f, max_paths),
                        plain::shortest_paths(&kg, start, to, max_length, f, max_paths),
                        "{s} {t} {f:?} {max_length} {max_paths}"
                    );
                }
            }
        }
    }
}
