"""A document's whole life through the Python client generated from openapi/openapi.json by
openapi-python-client, used as generated (run by .ci/openapi-client).

    python client_lifecycle.py BASE_URL ADMIN_PASSWORD   (the generated package `normreg_client`
                                                          importable)

On a fresh registry (only its `admin`): a province and a city, their accounts, then a draft
walked through submission, legality review, deliberation, registration, publication, filing and
the filing decision, and finally the public search and the lookup by number. Every answer is
checked for its status and read through the generated models; refusals (401, 404, 422) are read
as the generated `Problem`. Exits non-zero at the first step that goes otherwise.
"""

import datetime
import random
import string
import sys
import uuid

from normreg_client import AuthenticatedClient, Client
from normreg_client.api.accounts import create_agency, create_user, login, me
from normreg_client.api.catalogues import freeze_catalogue
from normreg_client.api.documents import create_document, document_history, get_document
from normreg_client.api.filing import decide_filing, file_document
from normreg_client.api.public import (
    get_public_catalogue,
    get_public_catalogue_csv,
    get_public_document,
    list_public_documents,
    lookup_number,
)
from normreg_client.api.workflow import deliberation, publish, register, review, submit
from normreg_client.models import (
    Conclusion,
    CreateAgency,
    CreateDocument,
    CreateUser,
    DecisionRequest,
    DeliberationRequest,
    FreezeRequest,
    FilingRequest,
    LoginRequest,
    Material,
    MaterialKind,
    Outcome,
    Problem,
    PublishRequest,
    ReviewRequest,
    Role,
    Status,
    Validity,
)

TIMEOUT = 30.0


def expect(step, response, status):
    """The parsed answer of `response`, which must have `status`."""
    if response.status_code != status:
        sys.exit(f"FAILED {step}: {response.status_code} instead of {status}: {response.content!r}")
    if response.parsed is None:
        sys.exit(f"FAILED {step}: {status} not parsed by the client: {response.content!r}")
    print(f"ok   {step} ({status})")
    return response.parsed


def main(base_url, admin_password):
    anonymous = Client(base_url=base_url, timeout=TIMEOUT, raise_on_unexpected_status=True)
    # Refusals come back as the declared Problem, not as an exception or None.
    wrong = login.sync_detailed(
        client=anonymous, body=LoginRequest(username="admin", password="not the password")
    )
    assert isinstance(expect("login with a wrong password", wrong, 401), Problem)
    unauthenticated = AuthenticatedClient(base_url=base_url, token="not-a-token", timeout=TIMEOUT)
    assert isinstance(expect("me with a bad token", me.sync_detailed(client=unauthenticated), 401), Problem)

    def session(username, password):
        token = expect(
            f"login {username}",
            login.sync_detailed(client=anonymous, body=LoginRequest(username=username, password=password)),
            200,
        ).access_token
        return AuthenticatedClient(
            base_url=base_url, token=token, timeout=TIMEOUT, raise_on_unexpected_status=True
        )

    admin = session("admin", admin_password)
    assert Role.ADMIN in expect("me", me.sync_detailed(client=admin), 200).roles

    # Codes unlike the demo's, and unique per run, so the script may run twice on one registry.
    # (Letters only: prefixes hold no digits.)
    tag = "".join(random.choice(string.ascii_uppercase) for _ in range(6))
    province = expect(
        "create the province",
        create_agency.sync_detailed(
            client=admin,
            body=CreateAgency(
                name=f"客户端省人民政府{tag}", code=f"KP{tag}",
                issuance_prefix="客省规", registration_prefix=f"KP{tag}FS",
            ),
        ),
        201,
    )
    city = expect(
        "create the city",
        create_agency.sync_detailed(
            client=admin,
            body=CreateAgency(
                name=f"客户端市人民政府{tag}", code=f"KC{tag}", parent_id=uuid.UUID(province.id),
                issuance_prefix="客市规", registration_prefix=f"KC{tag}FS",
            ),
        ),
        201,
    )
    taken = create_agency.sync_detailed(
        client=admin,
        body=CreateAgency(name="重复", code=f"KC{tag}", issuance_prefix="重规", registration_prefix="CF"),
    )
    assert isinstance(expect("create an agency with a code taken", taken, 409), Problem)

    password = "client lifecycle password"
    accounts = {}
    for name, agency, role in [
        ("drafter", city, Role.DRAFTER),
        ("legal", city, Role.LEGAL_REVIEWER),
        ("registrar", city, Role.REGISTRAR),
        ("filing", province, Role.FILING_REVIEWER),
    ]:
        username = f"kc-{name}-{tag.lower()}"
        user = expect(
            f"create user {username} ({role.value})",
            create_user.sync_detailed(
                client=admin,
                body=CreateUser(username=username, password=password, agency_id=uuid.UUID(agency.id), roles=[role]),
            ),
            201,
        )
        assert user.roles == [role]
        accounts[name] = session(username, password)
    drafter, legal, registrar, filing = (accounts[k] for k in ["drafter", "legal", "registrar", "filing"])

    title = f"客户端市行政许可中介服务管理办法{tag}"
    body = "第一条 为了规范行政许可中介服务，结合本市实际，制定本办法。\n第二条 本办法自发布之日起施行。"
    doc = expect(
        "draft", create_document.sync_detailed(client=drafter, body=CreateDocument(title=title, body=body)), 201
    )
    assert doc.status == Status.DRAFT
    missing = get_document.sync_detailed(str(uuid.uuid4()), client=drafter)
    assert isinstance(expect("read a document that does not exist", missing, 404), Problem)

    # No body at all: the optional body is left out.
    submitted = expect("submit", submit.sync_detailed(doc.id, client=drafter), 200)
    assert submitted.document.status == Status.UNDER_REVIEW
    refused = review.sync_detailed(
        doc.id, client=drafter, body=ReviewRequest(conclusion=Conclusion.LAWFUL, opinion="不是审核人员")
    )
    assert isinstance(expect("review by the drafter", refused, 403), Problem)
    reviewed = expect(
        "review",
        review.sync_detailed(
            doc.id, client=legal,
            body=ReviewRequest(conclusion=Conclusion.LAWFUL, opinion="经审核，该文件符合法律规定。", findings=[]),
        ),
        200,
    )
    assert reviewed.status == Status.REVIEWED
    today = datetime.date.today()
    adopted = expect(
        "deliberation",
        deliberation.sync_detailed(
            doc.id, client=drafter,
            body=DeliberationRequest(meeting="市政府第1次常务会议", decided_on=today, adopted=True),
        ),
        200,
    )
    assert adopted.status == Status.ADOPTED
    registered = expect("register", register.sync_detailed(doc.id, client=registrar), 200)
    assert registered.status == Status.REGISTERED and registered.issuance_number
    published = expect(
        "publish",
        publish.sync_detailed(
            doc.id, client=registrar, body=PublishRequest(published_on=today, channel="客户端市人民政府公报")
        ),
        200,
    )
    assert published.status == Status.PUBLISHED
    assert published.validity == Validity.NOT_YET_EFFECTIVE
    again = publish.sync_detailed(
        doc.id, client=registrar, body=PublishRequest(published_on=today, channel="客户端市人民政府公报")
    )
    assert isinstance(expect("publish twice", again, 409), Problem)

    filed = expect(
        "file",
        file_document.sync_detailed(
            doc.id, client=drafter,
            body=FilingRequest(
                report=f"关于报送《{title}》备案的报告",
                materials=[
                    Material(kind=MaterialKind.OFFICIAL_TEXT, title="正式文本"),
                    Material(kind=MaterialKind.DRAFTING_NOTES, title="起草说明"),
                    Material(kind=MaterialKind.LEGAL_BASIS, title="制定依据"),
                ],
            ),
        ),
        201,
    )
    assert filed.authority_id == province.id
    decided = expect(
        "filing decision",
        decide_filing.sync_detailed(
            filed.id, client=filing, body=DecisionRequest(outcome=Outcome.ACCEPTED, reason="材料齐全，予以备案。")
        ),
        200,
    )
    assert decided.status.value == "accepted"
    history = expect("history", document_history.sync_detailed(doc.id, client=drafter), 200)
    assert [e.action for e in history][-1] == "filing_decision", [e.action for e in history]

    # The public: search by a Chinese word, read, and find by its 文号.
    found = expect(
        "public search", list_public_documents.sync_detailed(client=anonymous, q="中介服务", agency=f"KC{tag}"), 200
    )
    assert [d.id for d in found.items] == [doc.id], found.items
    bad = list_public_documents.sync_detailed(client=anonymous, q="许" * 201)
    assert isinstance(expect("public search with a text too long", bad, 422), Problem)
    read = expect("public document", get_public_document.sync_detailed(doc.id, client=anonymous), 200)
    assert read.title == title
    looked_up = expect(
        "lookup by number", lookup_number.sync_detailed(client=anonymous, number=registered.issuance_number), 200
    )
    assert looked_up.id == doc.id

    # Last year's catalogue of the city (empty: the city is new), as JSON and as CSV.
    last_year = today.year - 1
    frozen = expect(
        "freeze last year's catalogue",
        freeze_catalogue.sync_detailed(client=admin, body=FreezeRequest(agency_id=uuid.UUID(city.id), year=last_year)),
        201,
    )
    assert frozen.content_hash.startswith("sha256:")
    catalogue = expect(
        "public catalogue", get_public_catalogue.sync_detailed(f"KC{tag}", str(last_year), client=anonymous), 200
    )
    assert catalogue.content_hash == frozen.content_hash
    csv = expect(
        "public catalogue as CSV",
        get_public_catalogue_csv.sync_detailed(f"KC{tag}", str(last_year), client=anonymous),
        200,
    )
    assert isinstance(csv, str) and csv.lstrip("\ufeff").startswith("序号"), csv[:80]
    print("the whole lifecycle went through the generated client")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
