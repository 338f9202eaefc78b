#!/usr/bin/env bash
# Runs a command inside a cgroup v1 memory limit and reports what it used:
#   scripts/run-in-memory-limit.sh GIB COMMAND [ARGS...]
# The limit covers everything the command's processes charge (anonymous memory and the page cache they fill),
# with no swap to escape to: a command that does not fit is killed by the kernel (exit 137) or fails to allocate.
# Prints, after the command: its exit status, peak resident set (VmHWM, and the peak of its anonymous part sampled
# every 0.2 s), the cgroup's peak charge and how often the limit was hit. Needs root and the cgroup v1 memory controller.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 GIB COMMAND [ARGS...]" >&2
  exit 2
fi
limit_gib="$1"; shift
root=/sys/fs/cgroup/memory
if [ ! -w "$root" ]; then
  echo "$0: needs root and the cgroup v1 memory controller at $root" >&2
  exit 2
fi
group="$root/elastic-cache-limit-$$"
mkdir "$group"
cleanup() { rmdir "$group" 2>/dev/null || true; }
trap cleanup EXIT
echo $((limit_gib * 1024 * 1024 * 1024)) > "$group/memory.limit_in_bytes"
[ -w "$group/memory.memsw.limit_in_bytes" ] && echo $((limit_gib * 1024 * 1024 * 1024)) > "$group/memory.memsw.limit_in_bytes" || true
# The command runs in a child shell that first moves itself into the group, so only it and its children are charged.
bash -c 'echo $$ > "$1/cgroup.procs"; shift; exec "$@"' _ "$group" "$@" &
pid=$!
peak_anon_kb=0
peak_hwm_kb=0
while kill -0 "$pid" 2>/dev/null; do
  for p in $(cat "$group/cgroup.procs" 2>/dev/null); do
    anon=$(awk '/^RssAnon:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
    hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
    [ -n "$anon" ] && [ "$anon" -gt "$peak_anon_kb" ] && peak_anon_kb=$anon
    [ -n "$hwm" ] && [ "$hwm" -gt "$peak_hwm_kb" ] && peak_hwm_kb=$hwm
  done
  sleep 0.2
done
set +e
wait "$pid"
status=$?
set -e
max_usage=$(cat "$group/memory.max_usage_in_bytes")
failcnt=$(cat "$group/memory.failcnt")
oom_kills=$(awk '/^oom_kill / {print $2}' "$group/memory.oom_control" 2>/dev/null || echo "?")
awk -v l="$limit_gib" -v s="$status" -v h="$peak_hwm_kb" -v a="$peak_anon_kb" -v m="$max_usage" -v f="$failcnt" -v o="$oom_kills" \
  'BEGIN { printf "memory limit %s GiB: exit %s; peak RSS %.2f GiB (anonymous %.2f GiB); cgroup peak charge %.2f GiB (page cache included); limit hit %s times; OOM kills %s\n", l, s, h / 1048576, a / 1048576, m / 1073741824, f, o }' >&2
exit "$status"
