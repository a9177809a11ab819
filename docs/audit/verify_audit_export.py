#!/usr/bin/env python3
"""Verify a Foundation.Audit JSON Lines export outside the application.

Usage:
  verify_audit_export.py EXPORT.jsonl [--checkpoint SEQ:HASH] [--checkpoint-key KEY_ID:BASE64KEY --signed-checkpoint JSON]

Recomputes every event's SHA-256 over the canonical form of docs/audit.md, checks each link to the previous
hash and that sequence numbers run without gaps. --checkpoint compares the chain with a (seq, hash) pair you
kept outside the database, e.g. the latestCheckpoint of GET /api/v1/audit/verify; a chain cut before SEQ or
rewritten up to it fails. With --checkpoint-key and --signed-checkpoint (the latestCheckpoint JSON object),
the checkpoint's HMAC-SHA256 signature is checked too. Exit code 0 when valid, 1 with the first break.
"""
import argparse, base64, hashlib, hmac, json, sys
from datetime import datetime, timezone

GENESIS = "0" * 64


def field(value):
    if value is None:
        return b"~\n"
    data = value.encode("utf-8")
    return str(len(data)).encode() + b":" + data + b"\n"


def timestamp(text):
    dt = datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(e):
    fields = ["foundation.audit.event.v1", e["tenantId"], str(e["seq"]), e["id"], timestamp(e["occurredAt"]), e["actorType"],
              e.get("actorUserId"), e.get("actorApiKeyId"), e["action"], e.get("targetType"), e.get("targetId"), e["outcome"],
              e["severity"], e.get("clientIp"), e.get("userAgent"), e.get("requestId"), e.get("details"), e["prevHash"]]
    return hashlib.sha256(b"".join(field(f) for f in fields)).hexdigest()


def checkpoint_signature(c, tenant, key):
    fields = ["foundation.audit.checkpoint.v1", tenant, str(c["seq"]), c["hash"], timestamp(c["createdAt"]), c["kind"], c["keyId"]]
    return hmac.new(key, b"".join(field(f) for f in fields), hashlib.sha256).hexdigest()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("export")
    parser.add_argument("--checkpoint", help="SEQ:HASH kept outside the database")
    parser.add_argument("--checkpoint-key", help="KEY_ID:BASE64 of the signing key")
    parser.add_argument("--signed-checkpoint", help="the latestCheckpoint JSON object of /api/v1/audit/verify")
    args = parser.parse_args()

    with open(args.export, encoding="utf-8") as f:
        events = [json.loads(line) for line in f if line.strip()]
    if not events:
        print("FAIL: the export is empty")
        return 1

    tenant = events[0]["tenantId"]
    hashes = {}
    prev, expected = GENESIS, events[0]["seq"]
    if expected != 1:
        prev = events[0]["prevHash"]  # an export starting after a retention seal: trust its first link
    for e in events:
        if e["seq"] != expected:
            print(f"FAIL: deleted: #{expected} is missing (next is #{e['seq']})")
            return 1
        if e["prevHash"] != prev:
            print(f"FAIL: link: #{e['seq']} does not link to #{expected - 1}")
            return 1
        if event_hash(e) != e["hash"]:
            print(f"FAIL: modified: #{e['seq']} ({e['id']}) does not match its hash")
            return 1
        hashes[e["seq"]] = e["hash"]
        prev, expected = e["hash"], expected + 1

    checks = []
    if args.checkpoint:
        seq, h = args.checkpoint.split(":", 1)
        checks.append((int(seq), h))
    if args.signed_checkpoint:
        c = json.loads(args.signed_checkpoint)
        if args.checkpoint_key:
            key_id, key = args.checkpoint_key.split(":", 1)
            if key_id != c["keyId"] or not hmac.compare_digest(checkpoint_signature(c, tenant, base64.b64decode(key)), c["signature"]):
                print(f"FAIL: checkpoint #{c['seq']} signature does not verify")
                return 1
        checks.append((c["seq"], c["hash"]))
    for seq, h in checks:
        if seq not in hashes:
            print(f"FAIL: truncated: the checkpoint covers #{seq} but the export ends at #{expected - 1}")
            return 1
        if hashes[seq] != h:
            print(f"FAIL: modified: the chain at #{seq} differs from the checkpoint")
            return 1

    print(f"OK: {len(events)} events, #{events[0]['seq']} to #{expected - 1}, head {prev}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
