//! Which agencies' documents a caller may see: every query of documents goes through here.

use crate::db::{self, DbConn};
use crate::domain::agency::AgencyTree;
use crate::domain::document::Document;
use crate::domain::ids::{AgencyId, DocumentId};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::service::actor::Actor as AuthUser;

/// The agencies whose documents the caller may read; `None` means all (admin).
///
/// Drafters and registrars see their own agency. Legal reviewers and filing reviewers also
/// see the agencies below theirs, whose documents they review or receive for filing.
pub fn visible_agencies(user: &AuthUser, tree: &AgencyTree) -> Option<Vec<AgencyId>> {
    if user.has(Role::Admin) {
        return None;
    }
    let Some(own) = user.agency_id else {
        return Some(Vec::new());
    };
    if user.has(Role::LegalReviewer) || user.has(Role::FilingReviewer) {
        Some(tree.subtree(own))
    } else {
        Some(vec![own])
    }
}

/// Loads a document the caller may see, or 404 without revealing that it exists. The agency
/// tree is read only when the answer depends on it (a reviewer looking below their agency):
/// most requests come from the document's own agency.
pub fn load_document(
    conn: &mut DbConn,
    user: &AuthUser,
    id: DocumentId,
) -> Result<Document, AppError> {
    let doc = db::documents::find(conn, id)?.ok_or(AppError::NotFound("document"))?;
    let own = user.agency_id == Some(doc.agency_id);
    if own || user.has(Role::Admin) {
        return Ok(doc);
    }
    let tree = db::agencies::tree(conn)?;
    match visible_agencies(user, &tree) {
        Some(ids) if !ids.contains(&doc.agency_id) => Err(AppError::NotFound("document")),
        _ => Ok(doc),
    }
}

/// 403 unless the caller belongs to the document's own agency (drafting, numbering).
pub fn require_own_agency(user: &AuthUser, doc: &Document) -> Result<(), AppError> {
    if user.agency_id == Some(doc.agency_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden("only the document's own agency may do this".into()))
    }
}

/// 403 unless the caller's agency is the legal office that reviews the document: its issuing
/// government, or the issuing agency itself; never an agency further up
/// (`AgencyTree::may_review_legality`).
pub fn require_within_agency(
    user: &AuthUser,
    doc: &Document,
    tree: &AgencyTree,
) -> Result<(), AppError> {
    let own = user.agency()?;
    if tree.may_review_legality(own, doc.agency_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only the legal office of the issuing government reviews this document".into(),
        ))
    }
}
