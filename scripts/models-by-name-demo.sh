#!/usr/bin/env bash
# A model by name at real size: serves the exact-shape LLaDA-8B-Instruct checkpoint (16 GB, 6 BF16 shards) over the
# Hub's protocol on loopback (LocalHubMain; the Hub itself cannot be reached here), breaks the connection 1.5 GB into
# its second shard, pulls it into a fresh Hugging Face cache with bin/elastic-cache (resumed, every shard's sha256
# verified), then decodes it by name from that cache with no network (HF_HUB_OFFLINE=1) inside a 20 GiB cgroup.
#   scripts/models-by-name-demo.sh [MODELS_DIR] [CACHE_DIR]   (defaults /work/models, /tmp/hf-demo-cache;
#   needs the checkpoint, written by scripts/real-size-demo.sh, 16 GB free for the cache, and root for the cgroup)
set -euo pipefail
cd "$(dirname "$0")/.."
models="${1:-/work/models}"
cache="${2:-/tmp/hf-demo-cache}"
id=GSAI-ML/LLaDA-8B-Instruct
[ -f "$models/llada-8b/config.json" ] || { echo "no $models/llada-8b: run scripts/real-size-demo.sh first" >&2; exit 1; }
./mvnw -q -o -B install -DskipTests 2>/dev/null || ./mvnw -q -B install -DskipTests
rm -rf "$cache"
log=$(mktemp)
./mvnw -q -o -B -pl elastic-cache-lab exec:java -Dexec.mainClass=dev.elasticcache.lab.hub.LocalHubMain \
  -Dexec.args="--cut model-00002-of-00006.safetensors@1500000000 $id=$models/llada-8b" >"$log" 2>&1 &
hub_pid=$!
trap 'kill $hub_pid 2>/dev/null || true; pkill -f LocalHubMain || true' EXIT
until grep -q '^endpoint ' "$log"; do sleep 1; kill -0 $hub_pid || { cat "$log"; exit 1; }; done
cat "$log"
endpoint=$(grep '^endpoint ' "$log" | cut -d' ' -f2)
echo "== pull $id from $endpoint into $cache"
/usr/bin/time -f "wall %e s" env HF_ENDPOINT="$endpoint" HF_HUB_CACHE="$cache" bin/elastic-cache pull "$id"
du -sh "$cache"
echo "== generate --model $id, offline, in 20 GiB"
sync; echo 3 > /proc/sys/vm/drop_caches
/usr/bin/time -f "wall %e s" scripts/run-in-memory-limit.sh 20 env HF_HUB_OFFLINE=1 HF_HUB_CACHE="$cache" \
  bin/elastic-cache generate --model "$id" --prompt "Uppercase these words: robot flame" --chat --gen-length 16 \
  --block-length 16 --strategy elastic 2>&1 | grep -v "^\[main\]\|SLF4J"
