//! A frozen annual catalogue as a ZIP of Akoma Ntoso under a path of its own
//! (`{year}.akn.zip`), so that a generated client reads bytes here; the same ZIP as
//! `?format=akn` on the catalogue. Written by `service::catalogues::akn`.

use actix_web::{get, web};

use super::visitor::Visitor;
use super::Answer;
use crate::error::{AppError, Problem};
use crate::service::catalogues;

/// A frozen annual catalogue as a ZIP (stored entries): `<文号 or id>.akn.xml`, the Akoma Ntoso
/// 3.0 of each listed document in the version listed, and `manifest.json`
/// (`[{document_id, file, sha256}]`).
#[utoipa::path(tag = "public", responses(
    (status = 200, description = "The ZIP", content_type = "application/zip", body = super::file_body::FileBytes),
    (status = 404, description = "No such agency, or no catalogue frozen for that year", body = Problem)
))]
#[get("/public/catalogues/{agency_code}/{year}.akn.zip")]
pub async fn get_public_catalogue_akn_zip(
    visitor: Visitor,
    path: web::Path<(String, String)>,
) -> Answer {
    let (code, year) = path.into_inner();
    let year: i32 = year.parse().map_err(|_| AppError::NotFound("catalogue"))?;
    let temp = super::file_body::temp_path("catalogue-akn");
    let file = temp.0.clone();
    let name = visitor
        .state
        .read(move |conn, clock| catalogues::akn::write_zip(conn, clock, &code, year, &file))
        .await?;
    super::file_body::temp_file_answer(temp, "application/zip", &name)
}
