//! Publication: the dates a registered document takes effect and ends, and the end of the
//! version it amends.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::db::{self, DbConn};
use crate::domain::clock::Clock;
use crate::domain::document::Document;
use crate::domain::ids::{DocumentId, UserId};
use crate::domain::later_life;
use crate::domain::lifecycle::Action;
use crate::domain::text;
use crate::domain::text::MAX_NOTE;
use crate::domain::validity::{self, is_provisional_title};
use crate::error::AppError;
use crate::service::actor::Actor;
use crate::service::dates;
use crate::service::evolution::refusal;
use crate::service::scope::{load_document, require_own_agency};
use crate::service::step::{next_status, record, StepEvent};

// A publication as the registrar sent it; [`publish`] checks it.
// (`//`, not `///`: a doc comment would become the request schema's description.)
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = PublishRequest)]
pub struct Publication {
    #[serde(deserialize_with = "crate::domain::dates::iso")]
    pub published_on: NaiveDate,
    /// Defaults to publication + 30 days (policy); earlier only with `early_effect_reason`.
    #[serde(default, deserialize_with = "crate::domain::dates::iso_opt")]
    pub effective_on: Option<NaiveDate>,
    /// Why the document takes effect before the standard date; only with such an
    /// `effective_on`.
    pub early_effect_reason: Option<String>,
    /// Defaults to 5 years (2 for 暂行/试行); never beyond the policy maximum.
    #[serde(default, deserialize_with = "crate::domain::dates::iso_opt")]
    pub valid_until: Option<NaiveDate>,
    /// Where it was published, e.g. 辽宁省人民政府公报.
    pub channel: String,
}

/// [`Publication`] with its texts checked.
struct CheckedPublication {
    published_on: NaiveDate,
    effective_on: Option<NaiveDate>,
    early: Option<String>,
    valid_until: Option<NaiveDate>,
    channel: String,
}

impl Publication {
    fn checked(self, today: NaiveDate) -> Result<CheckedPublication, AppError> {
        let channel = text::line(&self.channel, 200)
            .map_err(|e| AppError::invalid("channel", e.to_string()))?;
        let early = match self.early_effect_reason.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(r) => Some(
                text::paragraph(r, MAX_NOTE)
                    .map_err(|e| AppError::invalid("early_effect_reason", e.to_string()))?,
            ),
        };
        if self.published_on > today {
            return Err(AppError::invalid(
                "published_on",
                "publication cannot be recorded before it happens",
            ));
        }
        Ok(CheckedPublication {
            published_on: self.published_on,
            effective_on: self.effective_on,
            early,
            valid_until: self.valid_until,
            channel,
        })
    }
}

/// Publishes a registered document (registrar of its agency): sets its dates, indexes it for
/// the public search, watches its expiry and ends the version it amends.
pub fn publish(
    tx: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    id: DocumentId,
    input: Publication,
) -> Result<Document, AppError> {
    actor.require_any(Action::Publish.allowed_roles())?;
    let policy = db::settings::policy(tx)?;
    let range = policy.date_range();
    let given = [
        ("published_on", Some(input.published_on)),
        ("effective_on", input.effective_on),
        ("valid_until", input.valid_until),
    ];
    dates::check(&range, &given)?;
    let req = input.checked(clock.today())?;
    let now = clock.now().naive_utc();
    let mut doc = load_document(tx, actor, id)?;
    require_own_agency(actor, &doc)?;
    let to = next_status(&doc, Action::Publish)?;
    let policy = policy.validity();
    let invalid = |e: validity::ValidityError| AppError::invalid(e.field(), e.to_string());
    let effective =
        validity::effective_on(req.published_on, req.effective_on, req.early.as_deref(), &policy)
            .map_err(invalid)?;
    let provisional = doc.provisional || is_provisional_title(&doc.title);
    // A stated end date wins over stated years; years alone give the end date.
    let years = if req.valid_until.is_some() { None } else { doc.validity_years.map(|y| y as u32) };
    let until = validity::valid_until(effective, req.valid_until, years, provisional, &policy)
        .map_err(invalid)?;
    dates::check_settled(&range, &[("effective_on", effective), ("valid_until", until)])?;
    doc.published_on = Some(req.published_on);
    doc.effective_on = Some(effective);
    doc.valid_until = Some(until);
    doc.channel = Some(req.channel.clone());
    doc.early_effect_reason = req.early.clone();
    if let Some(older_id) = doc.supersedes_id {
        supersede(tx, older_id, &doc, actor.id, now)?;
    }
    let payload = serde_json::json!({"published_on": req.published_on, "effective_on": effective, "valid_until": until, "channel": req.channel, "early_effect_reason": req.early});
    db::expiry::watch(tx, doc.id, until)?;
    record(
        tx,
        &mut doc,
        to,
        actor.id,
        now,
        StepEvent { action: Action::Publish.event(), reason: None, payload },
    )?;
    crate::service::citations::on_publication(tx, &doc)?;
    Ok(doc)
}

/// The earlier version of an amended document reads `amended` from the day the new version
/// takes effect, and points to it (the rule: `later_life::supersede`).
fn supersede(
    conn: &mut DbConn,
    older_id: DocumentId,
    newer: &Document,
    actor: UserId,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    let Some(mut older) = db::documents::find(conn, older_id)? else {
        return Ok(());
    };
    let on =
        newer.effective_on.ok_or_else(|| AppError::internal("published without effective_on"))?;
    let ended =
        later_life::supersede(older.ended.as_ref(), newer.id, on).map_err(|e| refusal(e, "id"))?;
    let event = ended.kind.as_str();
    db::expiry::unwatch(conn, older.id)?;
    older.superseded_by_id = Some(newer.id);
    older.ended = Some(ended);
    older.updated_at = at;
    db::documents::save(conn, &older)?;
    Ok(db::documents::note_event(
        conn,
        &older,
        actor,
        at,
        event,
        None,
        serde_json::json!({"superseded_by": newer.id, "from": newer.effective_on}),
    )?)
}
