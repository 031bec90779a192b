#!/usr/bin/env bash
# local-kms: an AWS KMS API compatible server where keys that must never leave a KMS live, served
# on 127.0.0.1 only (test-network/kms/main.go).
set -euo pipefail
# shellcheck source=test-network/lib/common.sh
source "$(dirname "$0")/../lib/common.sh"
mkdir -p "$DATA_DIR/kms"
export KMS_DATA_PATH="$DATA_DIR/kms"
export KMS_REGION="${KMS_REGION:-eu-west-2}"
export KMS_ACCOUNT_ID="${KMS_ACCOUNT_ID:-111122223333}"
KMS_LISTEN="127.0.0.1:$(kms_port)"
export KMS_LISTEN
exec "$LOCAL_KMS_BIN/local-kms-loopback"
