//! One material of a filing (备案材料) as the filing agency sends it and as it is stored with
//! the filing: its kind, title and text or reference.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::filing::MaterialKind;
use super::ids::FileId;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Material {
    pub kind: MaterialKind,
    /// e.g. 关于《……办法》的起草说明
    pub title: String,
    /// The material's text, or a reference to where it is kept.
    pub content: Option<String>,
    /// An uploaded file of the document (`POST /api/v1/documents/{id}/files`) that is this
    /// material; the official text and the filing report count only with one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub file_id: Option<FileId>,
}

impl Material {
    /// Its kind, and whether it names a file: what `filing::missing_materials` weighs.
    pub fn presence(&self) -> (MaterialKind, bool) {
        (self.kind, self.file_id.is_some())
    }
}

/// The most materials one filing carries.
pub const MAX_MATERIALS: usize = 50;
/// The longest title of a material.
pub const MAX_MATERIAL_TITLE: usize = 300;
/// The longest text of a material.
pub const MAX_MATERIAL_CONTENT: usize = 500_000;
