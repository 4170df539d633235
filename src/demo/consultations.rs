//! The demo's public consultations (征求意见): one closed with every comment answered and its
//! feedback published, one still open with a comment waiting for its disposition. Each step
//! is a service operation at the demo clock's day, as a person or the public would take it.

use chrono::{Duration, NaiveDate};

use super::province::DemoUser;
use super::seeder::Seeder;
use crate::domain::consultation::Disposition;
use crate::domain::ids::{CommentId, ConsultationId, DocumentId};
use crate::error::AppError;
use crate::service::consultation::{DispositionInput, NewConsultation};
use crate::service::consultation_public::{self, CommentInput};
use crate::service::{self, drafting::NewDraft};

/// A comment of the demo: text, article, and the drafter's answer if it has one.
type DemoComment = (&'static str, &'static str, Option<(Disposition, &'static str, &'static str)>);

const CLOSED: &[DemoComment] = &[
    (
        "建议在第二条中明确申请材料清单，并在政务服务网公开。",
        "第二条",
        Some((
            Disposition::Adopted,
            "已在第二条中补充材料清单并明确公开渠道。",
            "明确申请材料清单并公开",
        )),
    ),
    (
        "办理时限二十个工作日过长，建议缩短至十个工作日。",
        "第三条",
        Some((
            Disposition::PartlyAdopted,
            "时限缩短为十五个工作日；涉及现场核查的事项仍需更长时间。",
            "缩短办理时限",
        )),
    ),
    (
        "建议取消申请人提供无犯罪记录证明的要求。",
        "第四条",
        Some((
            Disposition::NotAdopted,
            "该要求系上位法规定，本文件无权取消。",
            "取消无犯罪记录证明",
        )),
    ),
];

const OPEN: &[DemoComment] = &[
    (
        "建议对小微企业设置过渡期。",
        "第五条",
        Some((Disposition::Adopted, "已增设六个月过渡期。", "为小微企业设置过渡期")),
    ),
    ("建议补充对违规行为的投诉渠道。", "第六条", None),
];

impl Seeder<'_> {
    /// Seeds the two consultations as of `today`.
    pub(super) async fn consultations(&self, drafter: &DemoUser) -> Result<(), AppError> {
        let today = self.today;
        self.consultation(
            drafter,
            "沈阳市政务服务事项办理规定（征求意见稿）",
            today - Duration::days(40),
            // Long enough for 7 working days across any holiday of the year.
            25,
            false,
            CLOSED,
        )
        .await?;
        self.consultation(
            drafter,
            "沈阳市促进小微企业发展若干措施（征求意见稿）",
            today - Duration::days(3),
            // 30 days and more, even when the thirtieth falls in the National Day holiday.
            45,
            true,
            OPEN,
        )
        .await?;
        Ok(())
    }

    async fn consultation(
        &self,
        drafter: &DemoUser,
        title: &str,
        opens_on: NaiveDate,
        days: i64,
        affects_businesses: bool,
        comments: &[DemoComment],
    ) -> Result<(), AppError> {
        self.clock.set_date(opens_on);
        let draft = NewDraft {
            title: title.into(),
            body: "第一条 为了规范和便利政务服务，结合本市实际，制定本规定。\n第二条 申请人应当提交的材料以公布的清单为准。\n第三条 行政机关应当在规定时限内办结。\n第四条 申请人应当如实提供材料。\n第五条 本规定自发布之日起施行。\n第六条 本规定由市人民政府办公厅负责解释。".into(),
            affects_rights: Some(true),
            drafting_notes: Some("为落实优化营商环境有关要求，起草本规定，现公开征求社会公众意见。".into()),
            ..NewDraft::default()
        };
        let doc = self
            .write("create consultation draft", drafter, move |tx, actor, clock| {
                service::drafting::create(tx, actor, clock, draft)
            })
            .await?;
        let id: DocumentId = doc.id;
        let input = NewConsultation {
            opens_on: Some(opens_on),
            closes_on: opens_on + Duration::days(days),
            affects_businesses: Some(affects_businesses),
            short_period_reason: None,
            drafting_notes: None,
        };
        let c = self
            .write("open consultation", drafter, move |tx, actor, clock| {
                service::consultation::open(tx, actor, clock, id, input)
            })
            .await?;
        let cid: ConsultationId = c.id;
        let mut answers = Vec::new();
        for (i, (content, article, answer)) in comments.iter().enumerate() {
            self.clock.set_date(opens_on + Duration::days(1 + i as i64));
            let input = CommentInput::parse(content, Some(article), None, None)?;
            let client = format!("demo-{i}");
            self.state
                .write(move |tx, clock| consultation_public::comment(tx, clock, client, cid, input))
                .await?;
            answers.push(*answer);
        }
        if c.closes_on < self.today {
            self.clock.set_date(c.closes_on + Duration::days(1));
            let (as_of, at) = (c.closes_on + Duration::days(1), self.clock_now());
            self.state
                .db
                .write_statement(move |conn| service::consultation::close_due(conn, as_of, at))
                .await?;
        }
        let ids: Vec<CommentId> = self
            .write("read comments", drafter, move |tx, actor, _| {
                service::consultation::comments(tx, actor, cid)
            })
            .await?
            .into_iter()
            .map(|m| m.id)
            .collect();
        // Comments were sent a day apart, so they read back in the order sent.
        for (comment, answer) in ids.into_iter().zip(answers) {
            let Some((disposition, reason, summary)) = answer else { continue };
            let input =
                DispositionInput { disposition, reason: reason.into(), summary: summary.into() };
            self.write("dispose comment", drafter, move |tx, actor, clock| {
                service::consultation::dispose(tx, actor, clock, cid, comment, input)
            })
            .await?;
        }
        Ok(())
    }

    fn clock_now(&self) -> chrono::NaiveDateTime {
        use crate::domain::clock::Clock;
        self.clock.now().naive_utc()
    }
}
