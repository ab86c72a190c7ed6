//! Why a transform (backup, restore) will not write anything: every reason, for stderr.

#[derive(Debug, PartialEq)]
pub struct Refused(pub Vec<String>);
