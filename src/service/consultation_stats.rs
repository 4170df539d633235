//! The consultation figures (issue 12 item 5): per agency and year, consultations held,
//! comments received, how many were adopted, and the rights-affecting drafts that went without
//! a consultation, with the exemption's reason.

use chrono::{Days, NaiveTime};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::{self, DbConn};
use crate::domain::clock::Clock;
use crate::domain::consultation::{Disposition, DispositionCounts};
use crate::domain::ids::{AgencyId, DocumentId};
use crate::error::AppError;
use crate::service::actor::Actor;
use crate::service::dates;
use crate::service::scope::visible_agencies;

/// A draft that went without consultation.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Exemption {
    #[schema(value_type = String)]
    pub document_id: DocumentId,
    pub title: String,
    pub reason: String,
}

/// One agency's figures for the year.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct AgencyConsultationStats {
    #[schema(value_type = String)]
    pub agency_id: AgencyId,
    /// Consultations opened in the year.
    pub consultations: i64,
    /// Comments those consultations received.
    pub comments: i64,
    /// Of those, by disposition; the rest are not disposed yet.
    pub dispositions: DispositionCounts,
    /// Adopted or partly adopted ÷ disposed, to 4 places; null when none is disposed.
    pub adoption_rate: Option<f64>,
    /// Rights-affecting drafts exempted from consultation in the year, with the reasons.
    pub without_consultation: Vec<Exemption>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ConsultationStats {
    pub year: i32,
    pub agencies: Vec<AgencyConsultationStats>,
}

/// The figures of `year` (default this year) for the agencies the caller may see, or only
/// `agency` among them.
pub fn stats(
    conn: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    year: Option<i32>,
    agency: Option<AgencyId>,
) -> Result<ConsultationStats, AppError> {
    let (year, from, to) = dates::year_span(conn, clock, year)?;
    let visible = visible_agencies(actor, &db::agencies::tree(conn)?);
    let shown = |a: AgencyId| {
        visible.as_ref().is_none_or(|v| v.contains(&a)) && agency.is_none_or(|x| x == a)
    };
    // An agency outside the caller's scope is not found, as everywhere.
    if agency.is_some_and(|a| !shown(a)) {
        return Err(AppError::NotFound("agency"));
    }
    let mut rows: Vec<AgencyConsultationStats> = Vec::new();
    for (a, n) in db::consultations::stats::held(conn, from, to)? {
        if shown(a) {
            slot(&mut rows, a).consultations = n;
        }
    }
    for (a, d, n) in db::consultations::stats::comments(conn, from, to)? {
        if shown(a) {
            let r = slot(&mut rows, a);
            r.comments += n;
            match d.as_deref().and_then(Disposition::parse) {
                Some(Disposition::Adopted) => r.dispositions.adopted += n,
                Some(Disposition::PartlyAdopted) => r.dispositions.partly_adopted += n,
                Some(Disposition::NotAdopted) => r.dispositions.not_adopted += n,
                None => {}
            }
        }
    }
    let (start, end) =
        (from.and_time(NaiveTime::MIN), (to + Days::new(1)).and_time(NaiveTime::MIN));
    for (a, document_id, title, reason) in db::consultations::stats::exemptions(conn, start, end)? {
        if shown(a) {
            slot(&mut rows, a).without_consultation.push(Exemption { document_id, title, reason });
        }
    }
    for r in &mut rows {
        let d = r.dispositions;
        let disposed = d.adopted + d.partly_adopted + d.not_adopted;
        r.adoption_rate = (disposed > 0).then(|| {
            let rate = (d.adopted + d.partly_adopted) as f64 / disposed as f64;
            (rate * 10_000.0).round() / 10_000.0
        });
    }
    rows.sort_by_key(|r| r.agency_id);
    Ok(ConsultationStats { year, agencies: rows })
}

/// The row of agency `a`, added when it has none yet.
fn slot(rows: &mut Vec<AgencyConsultationStats>, a: AgencyId) -> &mut AgencyConsultationStats {
    let i = match rows.iter().position(|r| r.agency_id == a) {
        Some(i) => i,
        None => {
            rows.push(AgencyConsultationStats { agency_id: a, ..Default::default() });
            rows.len() - 1
        }
    };
    &mut rows[i]
}
