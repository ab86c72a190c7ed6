//! Why a transform (backup, restore) will not write anything: every reason, each placed at the
//! document and the resource it is about, for stderr.

use std::fmt;

use crate::model::resource::Resource;

/// One reason, as `file:line: Kind/namespace/name: what is wrong; what to do`.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    /// `file:line: Kind/namespace/name`, when the reason is about one resource.
    pub at: Option<String>,
    pub message: String,
}

impl Refusal {
    /// A reason about the whole input or the flags.
    pub fn general(message: impl Into<String>) -> Refusal {
        Refusal {
            at: None,
            message: message.into(),
        }
    }

    /// A reason about one resource, placed where it was read.
    pub fn about(resource: &Resource<'_>, message: impl Into<String>) -> Refusal {
        Refusal {
            at: Some(resource.located()),
            message: message.into(),
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.at {
            Some(at) => write!(f, "{at}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

#[derive(Debug, PartialEq)]
pub struct Refused(pub Vec<Refusal>);

impl Refused {
    pub fn one(refusal: Refusal) -> Refused {
        Refused(vec![refusal])
    }
}

impl From<Refusal> for Refused {
    fn from(refusal: Refusal) -> Refused {
        Refused(vec![refusal])
    }
}
