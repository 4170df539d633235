#!/usr/bin/env python3
"""Collects the identifiers of a freshly seeded normreg (`normreg demo`) into schemathesis
dictionaries, so that the suite reaches real documents, agencies and filings instead of
answering 404 to random UUIDs. Adds what the demo lacks: drafts of the drafter's own (to
submit and edit) and a public review suggestion (for its tracking code).

Usage: schemathesis_seed.py BASE_URL ADMIN_TOKEN DRAFTER_TOKEN OUT_DIR
Writes OUT_DIR/{ids,codes,numbers,tracking}.dict (libFuzzer dictionary lines).
"""

import json
import sys
import urllib.request


def call(base, method, path, token=None, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.load(resp)


def items(base, path, token=None):
    sep = "&" if "?" in path else "?"
    return call(base, "GET", f"{path}{sep}per_page=100", token)["items"]


def main():
    base, admin, drafter, out = sys.argv[1:5]
    base = base.rstrip("/") + "/api/v1"
    agencies = items(base, "/agencies", admin)
    documents = items(base, "/documents", admin)
    public = items(base, "/public/documents")
    drafts = [
        call(base, "POST", "/documents", drafter, {
            "title": f"辽宁省测试管理办法（草案{n}）",
            "body": "第一条 为了规范测试工作，制定本办法。\n第二条 本办法自公布之日起施行。",
        })["id"]
        for n in (1, 2)
    ]
    suggestion = call(base, "POST", "/public/review-suggestions", None, {
        "document_id": public[0]["id"],
        "content": "建议对第二条的施行日期作出说明。",
    })
    ids = (
        [a["id"] for a in agencies]
        + [d["id"] for d in documents]
        + drafts
        # Not the two accounts the suite runs as: a generated reset or `disabled: true`
        # would end their tokens and leave the rest of the run answering 401.
        + [u["id"] for u in items(base, "/users", admin)
           if u["username"] not in ("demo-admin", "ln-drafter")]
        + [f["id"] for f in items(base, "/filings", admin)]
        + [c["id"] for c in items(base, "/cleanup-campaigns", admin)]
        + [suggestion[k] for k in ("id",) if k in suggestion]
    )
    numbers = [d[k] for d in public for k in ("issuance_number", "registration_number") if d.get(k)]
    dictionaries = {
        "ids": ids,
        "codes": [a["code"] for a in agencies],
        "numbers": numbers,
        "tracking": [suggestion["tracking_code"]],
    }
    for name, values in dictionaries.items():
        with open(f"{out}/{name}.dict", "w", encoding="utf-8") as f:
            for v in dict.fromkeys(values):
                f.write(json.dumps(str(v), ensure_ascii=False) + "\n")
    print(", ".join(f"{len(v)} {k}" for k, v in dictionaries.items()))


if __name__ == "__main__":
    main()
