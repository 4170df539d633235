//! The seeding itself: agencies and accounts, then each demo document from draft to its
//! fate, every step one service operation as the demo user who would have taken it, on the
//! day it would have happened.

use chrono::{Datelike, Duration, NaiveDate};

use super::files::upload_pdf;
use super::province::{agency, planned_users, DemoUser, AGENCIES};
use super::{documents, DemoDocument, Fate, Summary};
use crate::db::{self, DbConn};
use crate::domain::clock::{Clock, ManualClock};
use crate::domain::files::FileKind;
use crate::domain::filing::{MaterialKind, Outcome as FilingOutcome};
use crate::domain::filing_material::Material;
use crate::domain::ids::{AgencyId, DocumentId, FileId, FilingId, UserId};
use crate::domain::lifecycle::Conclusion;
use crate::error::AppError;
use crate::service::{self, Actor};
use crate::state::AppState;

/// Seeds one database through the service operations, moving `clock` from day to day.
pub(super) struct Seeder<'a> {
    pub(super) state: &'a AppState,
    pub(super) clock: ManualClock,
    pub(super) today: NaiveDate,
}

impl Seeder<'_> {
    /// Every agency, account and document of the demo, as of `today`.
    pub(super) async fn run(&self, password: &str) -> Result<Summary, AppError> {
        let admin = self.create_admin(password).await?;
        let mut agency_ids: Vec<(&'static str, AgencyId)> = Vec::new();
        for a in &AGENCIES {
            let parent = a.parent.and_then(|p| agency_ids.iter().find(|(c, _)| *c == p));
            let request = service::agencies::AgencyRequest {
                name: a.name.into(),
                code: a.code.into(),
                parent_id: parent.map(|(_, id)| *id),
                kind: Some(if a.department { "department" } else { "government" }.into()),
                issuance_prefix: Some(a.issuance_prefix.into()),
                registration_prefix: Some(a.registration_prefix.into()),
                filing_authority_id: None,
            };
            let (row, _) = self
                .write("create agency", &admin, move |tx, actor, clock| {
                    service::agencies::create(tx, actor, clock, request)
                })
                .await?;
            agency_ids.push((a.code, row.id));
        }
        let mut users = vec![admin.clone()];
        for (username, roles, code) in planned_users().into_iter().skip(1) {
            let agency = agency(code)?;
            let agency_id = agency_ids
                .iter()
                .find(|(c, _)| *c == code)
                .map(|(_, id)| *id)
                .ok_or_else(|| AppError::internal("demo agency missing"))?;
            let id = self.create_user(&admin, &username, password, agency_id, &roles).await?;
            users.push(DemoUser {
                id,
                username,
                roles,
                agency: code,
                agency_name: agency.name,
                agency_id: Some(agency_id),
            });
        }

        let mut plan = documents().map_err(AppError::internal)?;
        // Oldest first, so each series numbers the documents in the order they were issued.
        plan.sort_by_key(|d| std::cmp::Reverse(d.published_days_ago));
        let mut summary = Summary {
            users: users.clone(),
            password: password.to_string(),
            agencies: AGENCIES.len(),
            published: 0,
            filed: 0,
            repealed: 0,
            expired: 0,
            catalogues: 0,
        };
        for (i, doc) in plan.iter().enumerate() {
            self.issue(&users, doc, i, &mut summary).await?;
        }
        let consulting = users
            .iter()
            .find(|u| u.username == "sy-drafter")
            .ok_or_else(|| AppError::internal("demo user sy-drafter missing"))?;
        self.consultations(consulting).await?;
        self.clock.set_date(self.today);
        let now = self.clock.now().naive_utc();
        let today = self.today;
        summary.expired = self
            .state
            .db
            .write_statement(move |conn| service::expiry::expire_due(conn, today, now))
            .await?;
        summary.catalogues = self.freeze_last_year(&admin, &agency_ids).await?;
        Ok(summary)
    }

    /// Last year's annual catalogue of every agency, frozen as the admin does it after the
    /// year's end (`POST /catalogues`), so that the public catalogue pages show one at once.
    async fn freeze_last_year(
        &self,
        admin: &DemoUser,
        agency_ids: &[(&'static str, AgencyId)],
    ) -> Result<usize, AppError> {
        let year = self.today.year() - 1;
        for (_, agency_id) in agency_ids {
            let (actor, clock, id) = (admin.actor()?, self.clock.clone(), agency_id.to_string());
            // `freeze` opens its own write transaction, so the connection is taken bare.
            self.state
                .db
                .write_statement(move |conn| {
                    service::catalogues::freeze(conn, &actor, &clock, &id, year)
                })
                .await
                .map_err(|e| step_failed("freeze catalogue", e))?;
        }
        Ok(agency_ids.len())
    }

    /// The demo's own admin, written like `normreg create-admin` does: creating accounts
    /// needs an admin to begin with.
    async fn create_admin(&self, password: &str) -> Result<DemoUser, AppError> {
        let hash = crate::auth::password::hash(password).map_err(AppError::internal)?;
        let now = self.clock.now().naive_utc();
        let row = db::users::UserRow::new("demo-admin".into(), hash, None, "admin".into(), now);
        let id = parse_id(&row.id)?;
        self.state.db.write(move |conn| db::users::insert(conn, &row)).await?;
        Ok(DemoUser {
            username: "demo-admin".into(),
            roles: vec!["admin"],
            agency: "",
            agency_name: "（不属于任何机关）",
            id,
            agency_id: None,
        })
    }

    /// An account of an agency, created by the admin as `POST /users` does it.
    async fn create_user(
        &self,
        admin: &DemoUser,
        username: &str,
        password: &str,
        agency_id: AgencyId,
        roles: &[&str],
    ) -> Result<UserId, AppError> {
        let request = service::accounts::AccountRequest {
            username: username.into(),
            password: password.into(),
            agency_id,
            roles: roles.iter().map(|r| r.to_string()).collect(),
        };
        let admin_actor = admin.actor()?;
        let account = service::accounts::prepare(&admin_actor, request)
            .map_err(|e| step_failed("create user", e))?;
        let hash = crate::auth::password::hash(account.password()).map_err(AppError::internal)?;
        let row = self
            .state
            .write(move |tx, clock| {
                let admin = admin_actor;
                service::accounts::create(tx, &admin, clock, account, hash)
            })
            .await
            .map_err(|e| step_failed("create user", e))?;
        parse_id(&row.id)
    }

    /// One document from draft to its fate, each step on its own day.
    async fn issue(
        &self,
        users: &[DemoUser],
        doc: &DemoDocument,
        ordinal: usize,
        summary: &mut Summary,
    ) -> Result<(), AppError> {
        let who = |name: String| {
            users
                .iter()
                .find(|u| u.username == name)
                .ok_or_else(|| AppError::internal(format!("demo user {name} missing")))
        };
        let agency = agency(&doc.agency)?;
        // A department's drafts are reviewed by the legal office of its government.
        let government =
            if agency.department { agency.parent.unwrap_or("LN") } else { agency.code };
        let base = agency.code.to_lowercase();
        let drafter = who(format!("{base}-drafter"))?;
        let registrar = who(format!("{base}-registrar"))?;
        let legal = who(format!("{}-legal", government.to_lowercase()))?;
        let published = self.today - Duration::days(doc.published_days_ago);
        let day = |offset: i64| published + Duration::days(offset);

        self.clock.set_date(day(-40));
        let draft = service::drafting::NewDraft {
            title: doc.title.clone(),
            body: doc.body.clone(),
            provisional: Some(doc.fate == Fate::Provisional),
            validity_years: None,
            legal_basis: Some("《中华人民共和国立法法》、国务院办公厅关于加强行政规范性文件制定和监督管理工作的通知（国办发〔2018〕37号）及有关法律、法规".into()),
            drafting_notes: Some(format!("本文件参照{}起草，经调研论证、公开征求意见后形成送审稿。", doc.source)),
            affects_rights: None,
        };
        let created = self
            .write("create document", drafter, move |tx, actor, clock| {
                service::drafting::create(tx, actor, clock, draft)
            })
            .await?;
        let id: DocumentId = created.id;
        self.write("submit", drafter, move |tx, actor, clock| {
            service::review::submit(tx, actor, clock, id, Vec::new())
        })
        .await?;

        self.clock.set_date(day(-30));
        let opinion = service::review::Opinion {
            conclusion: Conclusion::Lawful,
            opinion: "经审核，该文件制定主体合法，未超越法定职权，内容与法律、法规、规章不相抵触，制定程序符合规定，同意提请审议。".into(),
            findings: Vec::new(),
        };
        self.write("review", legal, move |tx, actor, clock| {
            service::review::record_review(tx, actor, clock, id, opinion)
        })
        .await?;

        self.clock.set_date(day(-15));
        let year = day(-15).format("%Y");
        let meeting = if agency.department {
            format!("{}{year}年第{}次局（厅）务会议", agency.name, ordinal % 12 + 1)
        } else {
            format!("{}{year}年第{}次常务会议", agency.name, ordinal % 20 + 1)
        };
        let decision =
            service::deliberation::Decision { meeting, decided_on: day(-15), adopted: true };
        self.write("deliberation", drafter, move |tx, actor, clock| {
            service::deliberation::deliberate(tx, actor, clock, id, decision)
        })
        .await?;

        self.clock.set_date(day(-3));
        self.register(registrar, id).await?;

        self.clock.set_date(published);
        let channel = if agency.department {
            format!("{}门户网站", agency.name)
        } else {
            format!("{}公报", agency.name)
        };
        let publication = service::publication::Publication {
            published_on: published,
            effective_on: None,
            early_effect_reason: None,
            valid_until: None,
            channel,
        };
        self.write("publish", registrar, move |tx, actor, clock| {
            service::publication::publish(tx, actor, clock, id, publication)
        })
        .await?;
        summary.published += 1;

        // Filed within the 15 days of the policy, or late on purpose, where a filing authority
        // exists (the provincial government files outside this service).
        let filing_offset = match doc.fate {
            Fate::Filed => Some(7),
            Fate::FiledLate => Some(25),
            _ => None,
        };
        if let Some(offset) = filing_offset.filter(|o| day(*o) <= self.today) {
            self.clock.set_date(day(offset));
            let official = format!("{}.pdf", doc.title);
            let official = upload_pdf(self, drafter, id, FileKind::OfficialText, official).await?;
            let report = format!("关于报送《{}》备案的报告.pdf", doc.title);
            let report = upload_pdf(self, drafter, id, FileKind::FilingReport, report).await?;
            let input = filing_of(doc, official, report);
            let (filed, _) = self
                .write("file", drafter, move |tx, actor, clock| {
                    service::filing::file_document(tx, actor, clock, id, input)
                })
                .await?;
            summary.filed += 1;
            let filing_id: FilingId = filed.filing.id;
            if day(offset + 14) <= self.today {
                self.clock.set_date(day(offset + 14));
                let authority = if agency.code == "SY-SCJG" { "sy-filing" } else { "ln-filing" };
                let decision = service::filing::Decision {
                    outcome: FilingOutcome::Accepted,
                    reason: "经审查，未发现违反法律、法规、规章和国家政策的内容，予以备案。".into(),
                };
                self.write(
                    "decide filing",
                    who(authority.to_string())?,
                    move |tx, actor, clock| {
                        service::filing::decide(tx, actor, clock, filing_id, decision)
                    },
                )
                .await?;
            }
        }

        if doc.fate == Fate::Repealed {
            let on = day(doc.published_days_ago * 2 / 3);
            self.clock.set_date(on);
            let repeal = service::evolution::Repeal {
                repealed_on: on,
                reason: "根据文件清理结果，该文件已不适应管理需要，予以废止。".into(),
                by_document_id: None,
            };
            self.write("repeal", registrar, move |tx, actor, clock| {
                service::evolution::repeal(tx, actor, clock, id, repeal)
            })
            .await?;
            summary.repealed += 1;
        }
        Ok(())
    }

    /// Numbers the document as the handler does (see `service::numbering::register`): reads,
    /// then a write transaction of its own in the writer queue.
    async fn register(&self, registrar: &DemoUser, id: DocumentId) -> Result<(), AppError> {
        let actor = registrar.actor()?;
        let clock = self.state.clock.clone();
        let op = move |conn: &mut crate::db::DbConn, queue: &crate::db::WriterQueue| {
            service::numbering::register(conn, queue, &actor, clock.as_ref(), id)
        };
        self.state.db.write_queued(op).await.map_err(|e| step_failed("register", e))?;
        Ok(())
    }

    /// One operation in one transaction as `user`, at the clock's present moment, exactly as
    /// its handler opens it; anything but success stops the seeding with the operation's own
    /// explanation.
    pub(super) async fn write<T, F>(
        &self,
        step: &str,
        user: &DemoUser,
        op: F,
    ) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConn, &Actor, &dyn Clock) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let actor = user.actor()?;
        self.state
            .write(move |tx, clock| op(tx, &actor, clock))
            .await
            .map_err(|e| step_failed(step, e))
    }
}

/// The filing of a demo document: its report and the required materials, the official text
/// and the signed report with their uploaded files.
fn filing_of(doc: &DemoDocument, official: FileId, report: FileId) -> service::filing::FilingInput {
    let material = |kind, title: String, content: &str, file_id| Material {
        kind,
        title,
        content: Some(content.to_string()),
        file_id,
    };
    service::filing::FilingInput {
        report: format!("现将《{}》报送备案，请予审查。", doc.title),
        materials: vec![
            material(
                MaterialKind::OfficialText,
                format!("《{}》正式文本", doc.title),
                &doc.body,
                Some(official),
            ),
            material(
                MaterialKind::FilingReport,
                format!("关于报送《{}》备案的报告", doc.title),
                "报送备案的报告（签章）。",
                Some(report),
            ),
            material(
                MaterialKind::DraftingNotes,
                format!("关于《{}》的起草说明", doc.title),
                "为规范相关工作，经调研论证并公开征求意见，起草本文件。",
                None,
            ),
            material(
                MaterialKind::LegalBasis,
                "制定依据".into(),
                "有关法律、法规和国家政策规定。",
                None,
            ),
        ],
    }
}

/// The typed id of a row the service just wrote.
fn parse_id<T: std::str::FromStr>(raw: &str) -> Result<T, AppError> {
    raw.parse().map_err(|_| AppError::internal(format!("a row with a malformed id `{raw}`")))
}

/// A demo step refused: which step, and the operation's own explanation.
fn step_failed(step: &str, e: AppError) -> AppError {
    AppError::internal(format!("demo step `{step}`: {e}"))
}
