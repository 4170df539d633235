//! One material of a filing (备案材料) as the filing agency sends it and as it is stored with
//! the filing: its kind, title and text or reference.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::filing::MaterialKind;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Material {
    pub kind: MaterialKind,
    /// e.g. 关于《……办法》的起草说明
    pub title: String,
    /// The material's text, or a reference to where it is kept.
    pub content: Option<String>,
}

/// The most materials one filing carries.
pub const MAX_MATERIALS: usize = 50;
/// The longest title of a material.
pub const MAX_MATERIAL_TITLE: usize = 300;
/// The longest text of a material.
pub const MAX_MATERIAL_CONTENT: usize = 500_000;
