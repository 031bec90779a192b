#!/usr/bin/env bash
# local-kms: an AWS KMS API compatible server where keys that must never leave a KMS live.
# It has no bind-address option and listens on every interface; see the README.
set -euo pipefail
# shellcheck source=test-network/lib/common.sh
source "$(dirname "$0")/../lib/common.sh"
mkdir -p "$DATA_DIR/kms"
export KMS_DATA_PATH="$DATA_DIR/kms"
export KMS_REGION="${KMS_REGION:-eu-west-2}"
export KMS_ACCOUNT_ID="${KMS_ACCOUNT_ID:-111122223333}"
PORT="$(kms_port)"
export PORT
exec "$LOCAL_KMS_BIN/local-kms"
