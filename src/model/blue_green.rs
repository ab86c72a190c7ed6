//! A FlinkBlueGreenDeployment as its controller runs it (operator 1.14 and 1.15,
//! `controller/bluegreen/`): the job runs in a child FlinkDeployment, `<name>-blue` or
//! `<name>-green`, made from `spec.template` and labelled with its colour; `status.blueGreenState`
//! says which child is active and whether a transition is under way.

use std::fmt;

use serde_json::{Value, json};

use crate::model::kind::{API_VERSION, Kind};
use crate::model::resource::Resource;
use crate::pointer::Lookup;

/// The label the controller puts on each child (`BlueGreenDeploymentType.LABEL_KEY`).
pub const CHILD_LABEL: &str = "flink/blue-green-deployment-type";

/// Where the FlinkDeployment spec the children are made of lives.
pub const TEMPLATE_SPEC: &str = "/spec/template/spec";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colour {
    Blue,
    Green,
}

impl Colour {
    pub const BOTH: [Colour; 2] = [Colour::Blue, Colour::Green];

    /// As the label writes it.
    pub fn label(self) -> &'static str {
        match self {
            Colour::Blue => "BLUE",
            Colour::Green => "GREEN",
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            Colour::Blue => "-blue",
            Colour::Green => "-green",
        }
    }
}

impl fmt::Display for Colour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The child of colour `colour` of the blue/green deployment `parent`.
pub fn child_name(parent: &str, colour: Colour) -> String {
    format!("{parent}{}", colour.suffix())
}

/// The parent of a FlinkDeployment the blue/green controller made, by its owner reference, or
/// by its colour label and name.
pub fn parent_of(deployment: &Value) -> Option<String> {
    if let Some(owners) = deployment
        .at("/metadata/ownerReferences")
        .and_then(Value::as_array)
    {
        let owner = owners.iter().find(|o| {
            o.get("kind").and_then(Value::as_str) == Some(Kind::FlinkBlueGreenDeployment.name())
        });
        if let Some(name) = owner.and_then(|o| o.get("name")).and_then(Value::as_str) {
            return Some(name.to_owned());
        }
    }
    let colour = match deployment
        .at("/metadata/labels")
        .and_then(|l| l.get(CHILD_LABEL))
        .and_then(Value::as_str)?
    {
        "BLUE" => Colour::Blue,
        "GREEN" => Colour::Green,
        _ => return None,
    };
    let name = deployment.at("/metadata/name").and_then(Value::as_str)?;
    name.strip_suffix(colour.suffix()).map(str::to_owned)
}

/// The cluster ids `resource`'s job runs under (the FlinkDeployments' names, which Flink's HA
/// ConfigMaps are labelled with): a blue/green deployment runs under both children's in turn.
pub fn cluster_ids(resource: &Resource<'_>) -> Vec<String> {
    let Some(name) = resource.name() else {
        return Vec::new();
    };
    match resource.kind {
        Kind::FlinkBlueGreenDeployment => {
            Colour::BOTH.iter().map(|&c| child_name(name, c)).collect()
        }
        _ => vec![name.to_owned()],
    }
}

/// `status.blueGreenState` (`FlinkBlueGreenDeploymentState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    InitializingBlue,
    Active(Colour),
    /// A savepoint of this colour's job is being taken, before a transition away from it.
    Savepointing(Colour),
    /// This colour's child is being deployed (a transition, or a patch of the active child).
    TransitioningTo(Colour),
}

impl State {
    pub fn parse(text: &str) -> Option<State> {
        Some(match text {
            "INITIALIZING_BLUE" => State::InitializingBlue,
            "ACTIVE_BLUE" => State::Active(Colour::Blue),
            "ACTIVE_GREEN" => State::Active(Colour::Green),
            "SAVEPOINTING_BLUE" => State::Savepointing(Colour::Blue),
            "SAVEPOINTING_GREEN" => State::Savepointing(Colour::Green),
            "TRANSITIONING_TO_BLUE" => State::TransitioningTo(Colour::Blue),
            "TRANSITIONING_TO_GREEN" => State::TransitioningTo(Colour::Green),
            _ => return None,
        })
    }

    pub fn of(deployment: &Value) -> Option<Result<State, &str>> {
        let text = deployment
            .at("/status/blueGreenState")
            .and_then(Value::as_str)?;
        Some(State::parse(text).ok_or(text))
    }
}

/// The FlinkDeployment the controller makes of `deployment` for `colour`: what the operator's
/// webhook and the restored job see (`BlueGreenUtils.prepareFlinkDeployment`).
pub fn child(deployment: &Value, colour: Colour) -> Value {
    let name = deployment
        .at("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut metadata = json!({"name": child_name(name, colour)});
    if let Some(ns) = deployment.at("/metadata/namespace") {
        metadata["namespace"] = ns.clone();
    }
    metadata["labels"] = json!({CHILD_LABEL: colour.label()});
    json!({
        "apiVersion": API_VERSION,
        "kind": Kind::FlinkDeployment.name(),
        "metadata": metadata,
        "spec": deployment.at(TEMPLATE_SPEC).cloned().unwrap_or(Value::Null),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn children_are_known_by_owner_or_by_label() {
        let owned = json!({"metadata": {"name": "x-blue", "ownerReferences": [{"kind": "FlinkBlueGreenDeployment", "name": "app"}]}});
        assert_eq!(parent_of(&owned).as_deref(), Some("app"));
        let labelled = json!({"metadata": {"name": "app-green", "labels": {CHILD_LABEL: "GREEN"}}});
        assert_eq!(parent_of(&labelled).as_deref(), Some("app"));
        let plain = json!({"metadata": {"name": "app-green"}});
        assert_eq!(parent_of(&plain), None);
    }

    #[test]
    fn every_state_of_the_controller_reads() {
        for (text, state) in [
            ("INITIALIZING_BLUE", State::InitializingBlue),
            ("ACTIVE_GREEN", State::Active(Colour::Green)),
            ("SAVEPOINTING_BLUE", State::Savepointing(Colour::Blue)),
            (
                "TRANSITIONING_TO_GREEN",
                State::TransitioningTo(Colour::Green),
            ),
        ] {
            assert_eq!(State::parse(text), Some(state));
        }
        assert_eq!(State::parse("ACTIVE"), None);
    }
}
