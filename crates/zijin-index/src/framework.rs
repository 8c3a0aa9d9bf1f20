//! The framework: the tree of indicators and aggregates that iMeta describes.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::error::{IndexError, Result};

/// What a row of iMeta describes (its `Type` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowType {
    Indicator,
    Aggregate,
    /// A column of iData that puts units into groups (`EurAsia_group`).
    Group,
    /// A column of iData that indicators can be divided by (`GDP`).
    Denominator,
    /// Any other column of iData to carry along (`Time` is handled apart).
    Other,
}

impl RowType {
    /// Reads COINr's spelling; `None` for anything else.
    pub fn parse(text: &str) -> Option<RowType> {
        match text.trim() {
            "Indicator" => Some(RowType::Indicator),
            "Aggregate" => Some(RowType::Aggregate),
            "Group" => Some(RowType::Group),
            "Denominator" => Some(RowType::Denominator),
            "Other" => Some(RowType::Other),
            _ => None,
        }
    }
}

/// One row of iMeta as read from a file, before it is checked. `row` is the
/// row number the caller reports errors with (the file line).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetaRow {
    pub row: usize,
    pub level: Option<u32>,
    pub code: String,
    pub name: String,
    pub direction: Option<f64>,
    pub weight: Option<f64>,
    pub unit: Option<String>,
    pub target: Option<f64>,
    pub denominator: Option<String>,
    pub parent: Option<String>,
    pub row_type: RowType,
    /// Columns iMeta has beyond COINr's (`iName_zh`, `Rationale`, …), by name.
    pub extra: Vec<(String, String)>,
}

/// An indicator or an aggregate: a node of the tree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Node {
    pub code: String,
    pub name: String,
    /// 1 for indicators; the root has the highest level.
    pub level: u32,
    /// Index into [`Framework::nodes`]; `None` for the root.
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    /// +1 (higher is better) or −1.
    pub direction: f64,
    /// Relative to its siblings.
    pub weight: f64,
    pub unit: Option<String>,
    pub target: Option<f64>,
    /// The iData column this indicator is divided by when denominating.
    pub denominator: Option<String>,
    pub extra: Vec<(String, String)>,
    /// The iMeta row it came from.
    pub row: usize,
}

impl Node {
    pub fn is_indicator(&self) -> bool {
        self.level == 1
    }

    /// The value of an extra iMeta column (`iName_zh`), if present and not empty.
    pub fn extra(&self, column: &str) -> Option<&str> {
        self.extra
            .iter()
            .find(|(name, value)| name == column && !value.is_empty())
            .map(|(_, value)| value.as_str())
    }
}

/// The checked tree of an index: indicators (level 1) under aggregates,
/// up to one root. Also the names of the group and denominator columns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Framework {
    nodes: Vec<Node>,
    /// Level-1 nodes, in iMeta order.
    indicators: Vec<usize>,
    /// Aggregates, level by level (2, 3, …), iMeta order within a level.
    aggregates: Vec<usize>,
    root: usize,
    groups: Vec<String>,
    denominators: Vec<String>,
    #[serde(skip)]
    by_code: HashMap<String, usize>,
}

impl Framework {
    /// Checks iMeta rows and builds the tree.
    ///
    /// Errors name the row and column: a duplicate iCode, a parent that does
    /// not exist, a cycle, a level that is not one below its parent's, a
    /// missing or non-positive weight, a direction other than ±1, an
    /// indicator with children, an aggregate without any.
    pub fn from_rows(rows: &[MetaRow]) -> Result<Framework> {
        let err = |row: &MetaRow, column: &'static str, problem: String| IndexError::Meta {
            row: row.row,
            code: row.code.clone(),
            column,
            problem,
        };
        let mut groups = Vec::new();
        let mut denominators = Vec::new();
        let mut tree_rows = Vec::new();
        let mut seen: HashMap<&str, &MetaRow> = HashMap::new();
        for row in rows {
            if row.code.trim().is_empty() {
                return Err(err(row, "iCode", "is empty; every row needs a code".into()));
            }
            if let Some(first) = seen.insert(&row.code, row) {
                return Err(err(
                    row,
                    "iCode",
                    format!(
                        "{:?} is already used by row {}; codes must be unique",
                        row.code, first.row
                    ),
                ));
            }
            match row.row_type {
                RowType::Group => groups.push(row.code.clone()),
                RowType::Denominator => denominators.push(row.code.clone()),
                RowType::Other => {}
                RowType::Indicator | RowType::Aggregate => tree_rows.push(row),
            }
        }
        if tree_rows.is_empty() {
            return Err(IndexError::MetaTree {
                problem: "there is no row of Type Indicator or Aggregate".into(),
            });
        }

        let by_code: HashMap<String, usize> = tree_rows
            .iter()
            .enumerate()
            .map(|(i, row)| (row.code.clone(), i))
            .collect();
        let mut nodes = Vec::with_capacity(tree_rows.len());
        for row in &tree_rows {
            let level = row.level.ok_or_else(|| {
                err(
                    row,
                    "Level",
                    "is empty; indicators are level 1, aggregates 2 and up".into(),
                )
            })?;
            match (row.row_type, level) {
                (RowType::Indicator, 1) | (RowType::Aggregate, 2..) => {}
                (RowType::Indicator, _) => {
                    return Err(err(
                        row,
                        "Level",
                        format!("is {level} but an Indicator is level 1"),
                    ));
                }
                (_, _) => {
                    return Err(err(
                        row,
                        "Level",
                        format!("is {level} but an Aggregate is level 2 or higher"),
                    ));
                }
            }
            let weight = row.weight.unwrap_or(1.0);
            if !(weight.is_finite() && weight >= 0.0) {
                return Err(err(
                    row,
                    "Weight",
                    format!("is {weight}; a weight is a number ≥ 0"),
                ));
            }
            let direction = row.direction.unwrap_or(1.0);
            if direction != 1.0 && direction != -1.0 {
                return Err(err(
                    row,
                    "Direction",
                    format!("is {direction}; it must be 1 (higher is better) or -1"),
                ));
            }
            let parent = match row.parent.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(parent) => match by_code.get(parent) {
                    Some(&index) => Some(index),
                    None => {
                        let hint = if seen.contains_key(parent) {
                            " (it is a Group or Denominator row, not an Aggregate)"
                        } else {
                            ""
                        };
                        return Err(err(
                            row,
                            "Parent",
                            format!(
                                "{parent:?} is not the iCode of any Indicator or Aggregate row{hint}"
                            ),
                        ));
                    }
                },
            };
            if let Some(denominator) = row.denominator.as_deref().filter(|d| !d.is_empty())
                && row.row_type == RowType::Indicator
                && !denominators.iter().any(|d| d == denominator)
            {
                return Err(err(
                    row,
                    "Denominator",
                    format!(
                        "{denominator:?} is not the iCode of a row of Type Denominator (known: {})",
                        list_or_none(&denominators)
                    ),
                ));
            }
            nodes.push(Node {
                code: row.code.clone(),
                name: row.name.clone(),
                level,
                parent,
                children: Vec::new(),
                direction,
                weight,
                unit: row.unit.clone().filter(|u| !u.is_empty()),
                target: row.target,
                denominator: row.denominator.clone().filter(|d| !d.is_empty()),
                extra: row.extra.clone(),
                row: row.row,
            });
        }

        // Cycles first: a cycle also breaks the level rule, but "cycle" is the
        // message that tells the user what is wrong.
        for (start, start_row) in tree_rows.iter().enumerate() {
            let mut path = vec![start];
            let mut current = start;
            while let Some(parent) = nodes[current].parent {
                if let Some(pos) = path.iter().position(|&p| p == parent) {
                    let cycle: Vec<&str> = path[pos..]
                        .iter()
                        .chain(std::iter::once(&parent))
                        .map(|&i| nodes[i].code.as_str())
                        .collect();
                    return Err(err(
                        start_row,
                        "Parent",
                        format!("the tree has a cycle: {}", cycle.join(" → ")),
                    ));
                }
                path.push(parent);
                current = parent;
            }
        }
        for (i, node) in nodes.iter().enumerate() {
            if let Some(parent) = node.parent
                && nodes[parent].level != node.level + 1
            {
                return Err(err(
                    tree_rows[i],
                    "Parent",
                    format!(
                        "{:?} is level {} but a parent must be one level above its child (level {})",
                        nodes[parent].code,
                        nodes[parent].level,
                        node.level + 1
                    ),
                ));
            }
        }
        for i in 0..nodes.len() {
            if let Some(parent) = nodes[i].parent {
                nodes[parent].children.push(i);
            }
        }
        let roots: Vec<usize> = (0..nodes.len())
            .filter(|&i| nodes[i].parent.is_none())
            .collect();
        let top = nodes.iter().map(|n| n.level).max().unwrap_or(1);
        for &r in &roots {
            if nodes[r].level != top {
                return Err(err(
                    tree_rows[r],
                    "Parent",
                    format!(
                        "is empty, but only the index (level {top}) has no parent; give this level-{} row its parent",
                        nodes[r].level
                    ),
                ));
            }
        }
        if roots.len() != 1 {
            let codes: Vec<&str> = roots.iter().map(|&r| nodes[r].code.as_str()).collect();
            return Err(IndexError::MetaTree {
                problem: format!(
                    "there must be exactly one root (a top-level row with no Parent); found {}: {}",
                    roots.len(),
                    codes.join(", ")
                ),
            });
        }
        for (i, node) in nodes.iter().enumerate() {
            if node.level > 1 && node.children.is_empty() {
                return Err(err(
                    tree_rows[i],
                    "iCode",
                    "is an Aggregate that no row names as its Parent".into(),
                ));
            }
            if node.level > 1 && node.children.iter().all(|&c| nodes[c].weight == 0.0) {
                return Err(err(
                    tree_rows[i],
                    "Weight",
                    "every child of this aggregate has weight 0; at least one must be positive"
                        .into(),
                ));
            }
        }
        let indicators: Vec<usize> = (0..nodes.len()).filter(|&i| nodes[i].level == 1).collect();
        let mut aggregates: Vec<usize> = (0..nodes.len()).filter(|&i| nodes[i].level > 1).collect();
        aggregates.sort_by_key(|&i| nodes[i].level);
        let by_code = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.code.clone(), i))
            .collect();
        Ok(Framework {
            nodes,
            indicators,
            aggregates,
            root: roots[0],
            groups,
            denominators,
            by_code,
        })
    }

    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    pub fn node(&self, index: usize) -> &Node {
        &self.nodes[index]
    }

    /// The node with this code.
    pub fn find(&self, code: &str) -> Option<usize> {
        self.by_code.get(code).copied()
    }

    /// Level-1 nodes in iMeta order.
    pub fn indicators(&self) -> &[usize] {
        &self.indicators
    }

    /// Aggregates ordered by level (lowest first).
    pub fn aggregates(&self) -> &[usize] {
        &self.aggregates
    }

    pub fn root(&self) -> usize {
        self.root
    }

    /// The number of levels (the root's level).
    pub fn levels(&self) -> u32 {
        self.nodes[self.root].level
    }

    pub fn groups(&self) -> &[String] {
        &self.groups
    }

    pub fn denominators(&self) -> &[String] {
        &self.denominators
    }

    /// Codes of the indicators, in iMeta order.
    pub fn indicator_codes(&self) -> Vec<String> {
        self.indicators
            .iter()
            .map(|&i| self.nodes[i].code.clone())
            .collect()
    }

    /// Replaces the weights (by node index); used by the uncertainty analysis.
    pub(crate) fn weights(&self) -> Vec<f64> {
        self.nodes.iter().map(|n| n.weight).collect()
    }

    /// Effective weight of every node in the root: the product, along its
    /// lineage, of its weight normalised over its siblings.
    pub fn effective_weights(&self) -> Vec<f64> {
        effective_weights(self, &self.weights())
    }

    /// The level-1 indicators under a node (itself if it is one).
    pub fn leaves_under(&self, node: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            if self.nodes[n].level == 1 {
                out.push(n);
            } else {
                stack.extend(self.nodes[n].children.iter().rev());
            }
        }
        out
    }
}

/// Effective weights for a given weight vector (by node index).
pub(crate) fn effective_weights(framework: &Framework, weights: &[f64]) -> Vec<f64> {
    let nodes = framework.nodes();
    let mut out = vec![0.0; nodes.len()];
    // Parents come before children when walking down from the root.
    let mut stack = vec![framework.root()];
    out[framework.root()] = 1.0;
    while let Some(n) = stack.pop() {
        let total: f64 = nodes[n].children.iter().map(|&c| weights[c]).sum();
        for &c in &nodes[n].children {
            out[c] = if total > 0.0 {
                out[n] * weights[c] / total
            } else {
                0.0
            };
            stack.push(c);
        }
    }
    out
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}
