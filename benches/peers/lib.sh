# Shared by the peer benchmark scripts (run.sh, tenant.sh, parquet.sh): `source` it.

# say TEXT: a progress line on standard error.
say() { printf '\n== %s\n' "$*" >&2; }

# peak_kib COMMAND: the peak RSS of 3 runs of COMMAND (GNU time's %M, KiB), one per line, in
# the order run.
peak_kib() {
    local k
    for k in 1 2 3; do
        /usr/bin/time -f %M -o rss.tmp sh -c "$1" >/dev/null 2>&1 || true
        tail -n 1 rss.tmp
    done
    rm -f rss.tmp
}

# peak COMMAND: the median of peak_kib COMMAND, in MiB.
peak() {
    peak_kib "$1" | sort -n | sed -n 2p | awk '{printf "%.0f", $1 / 1024}'
}
