#!/usr/bin/env bash
# Sends a contract sample to the running service, signed the way Kapso (or Meta) signs it:
# HMAC-SHA256 over the exact bytes of the file, keyed with the workspace's webhook secret.
#
#   scripts/send-sample.sh [sample.json] [event]
#
# Defaults: the Kapso received-message sample, event whatsapp.message.received. Environment:
# LEADLINE_URL (http://localhost:8080), WEBHOOK_SECRET (demo-secret).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
file="${1:-$here/src/test/resources/contracts/kapso-message-received.json}"
event="${2:-whatsapp.message.received}"
url="${LEADLINE_URL:-http://localhost:8080}"
secret="${WEBHOOK_SECRET:-demo-secret}"
signature=$(openssl dgst -sha256 -hmac "$secret" -hex < "$file" | awk '{print $NF}')

if grep -q '"whatsapp_business_account"' "$file"; then
  curl -sS -X POST "$url/webhooks/meta" -H 'Content-Type: application/json' \
    -H "X-Hub-Signature-256: sha256=$signature" --data-binary @"$file"
else
  curl -sS -X POST "$url/webhooks/kapso" -H 'Content-Type: application/json' \
    -H "X-Webhook-Event: $event" -H "X-Webhook-Signature: $signature" \
    -H "X-Idempotency-Key: $(cat /proc/sys/kernel/random/uuid 2>/dev/null || echo try-it)" --data-binary @"$file"
fi
echo
