# Sourced by scripts/bench: renders the results it collected (R[target.key], and the variables named
# below) as the Markdown of bench/RESULTS.md. Not meant to be run on its own.

ms() { [ -n "${1:-}" ] && [ "$1" -ge 0 ] 2>/dev/null && awk -v u="$1" 'BEGIN { printf "%.2f", u / 1000 }' || echo "?"; }
pair_ms() { echo "$(ms "$1") / $(ms "$2")"; }
verdict() { if [ "$1" = 1 ]; then echo "yes"; else echo "**no**"; fi; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { print ((a + 0 <= b + 0) ? 1 : 0) }'; }

# What the "bare Vert.x" column is: one sentence under both tables.
vx_note() { echo "*bare Vert.x* is \`dev.llmgateway.bench.BareProxy\` (test sources), the least a Vert.x 5 reverse proxy does (whole request body read, headers copied, upstream answer piped back; one instance per core, transport ${VX_TRANSPORT:-?}, pooled keep-alive client, no config, metrics or logging) on the gateway's JVM and flags (\`${GATEWAY_JAVA_OPTS:-none}\`) with a class-data archive made the gateway's way (a training run)$( [ ${#VX_CDS[@]} -gt 0 ] || echo ", which could not be made in this run"): what the platform alone costs, the floor under the gateway's numbers (the targets and *met* still compare the gateway with nginx)."; }

x_of() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }'; } # a / b

# Issue 16's rows: 400 streams opened at once, cold (first round after start) and warm.
burst_rows() {
  local d=direct n=nginx v=vertx g=gateway
  local cold_p99 cold_ttfb warm_p99 warm_cpu
  cold_p99=$(le "${R[$g.cold_p99_us]}" $(( 3 * ${R[$n.cold_p99_us]} )))
  cold_ttfb=$(le "${R[$g.cold_ttfb_p50_us]}" $(( 2 * ${R[$n.cold_ttfb_p50_us]} )))
  warm_p99=$(le "${R[$g.warm_p99_us]}" "${R[$n.warm_p99_us]}")
  warm_cpu=$(awk -v g="${R[$g.warm_cpu_ms]}" -v n="${R[$n.warm_cpu_ms]}" 'BEGIN { print ((g <= 1.5 * n) ? 1 : 0) }')
  local what="$BURST_STREAMS streams at once × $BURST_EVENTS events ${BURST_INTERVAL_MS} ms apart"
  cat <<EOF
| $what, **cold** (first round after start): chunk delay p50 / p99 (ms) | $(pair_ms "${R[$d.cold_p50_us]}" "${R[$d.cold_p99_us]}") | $(pair_ms "${R[$n.cold_p50_us]}" "${R[$n.cold_p99_us]}") | $(pair_ms "${R[$v.cold_p50_us]}" "${R[$v.cold_p99_us]}") | $(pair_ms "${R[$g.cold_p50_us]}" "${R[$g.cold_p99_us]}") | p99 ≤ 3× nginx's | $(verdict "$cold_p99") ($(x_of "${R[$g.cold_p99_us]}" "${R[$n.cold_p99_us]}")×) |
| cold: time to first byte p50 / p99 (ms) | $(pair_ms "${R[$d.cold_ttfb_p50_us]}" "${R[$d.cold_ttfb_p99_us]}") | $(pair_ms "${R[$n.cold_ttfb_p50_us]}" "${R[$n.cold_ttfb_p99_us]}") | $(pair_ms "${R[$v.cold_ttfb_p50_us]}" "${R[$v.cold_ttfb_p99_us]}") | $(pair_ms "${R[$g.cold_ttfb_p50_us]}" "${R[$g.cold_ttfb_p99_us]}") | p50 ≤ 2× nginx's | $(verdict "$cold_ttfb") ($(x_of "${R[$g.cold_ttfb_p50_us]}" "${R[$n.cold_ttfb_p50_us]}")×) |
| cold: CPU of the proxy for the round (ms; direct: the upstream's) | ${R[$d.cold_cpu_ms]} | ${R[$n.cold_cpu_ms]} | ${R[$v.cold_cpu_ms]} | ${R[$g.cold_cpu_ms]} | | ($(x_of "${R[$g.cold_cpu_ms]}" "${R[$n.cold_cpu_ms]}")×) |
| $what, **warm** ($BURST_ROUNDS rounds, pooled): chunk delay p50 / p99 (ms) | $(pair_ms "${R[$d.warm_p50_us]}" "${R[$d.warm_p99_us]}") | $(pair_ms "${R[$n.warm_p50_us]}" "${R[$n.warm_p99_us]}") | $(pair_ms "${R[$v.warm_p50_us]}" "${R[$v.warm_p99_us]}") | $(pair_ms "${R[$g.warm_p50_us]}" "${R[$g.warm_p99_us]}") | p99 ≤ nginx's | $(verdict "$warm_p99") ($(x_of "${R[$g.warm_p99_us]}" "${R[$n.warm_p99_us]}")×) |
| warm: time to first byte p50 / p99 (ms) | $(pair_ms "${R[$d.warm_ttfb_p50_us]}" "${R[$d.warm_ttfb_p99_us]}") | $(pair_ms "${R[$n.warm_ttfb_p50_us]}" "${R[$n.warm_ttfb_p99_us]}") | $(pair_ms "${R[$v.warm_ttfb_p50_us]}" "${R[$v.warm_ttfb_p99_us]}") | $(pair_ms "${R[$g.warm_ttfb_p50_us]}" "${R[$g.warm_ttfb_p99_us]}") | | |
| warm: CPU of the proxy per round (ms, median; direct: the upstream's) | ${R[$d.warm_cpu_ms]} | ${R[$n.warm_cpu_ms]} | ${R[$v.warm_cpu_ms]} | ${R[$g.warm_cpu_ms]} | ≤ 1.5× nginx's | $(verdict "$warm_cpu") ($(x_of "${R[$g.warm_cpu_ms]}" "${R[$n.warm_cpu_ms]}")×) |
| streams completed / failed, cold + warm rounds | ${R[$d.cold_completed]}+${R[$d.warm_completed]} / ${R[$d.cold_failed]}+${R[$d.warm_failed]} | ${R[$n.cold_completed]}+${R[$n.warm_completed]} / ${R[$n.cold_failed]}+${R[$n.warm_failed]} | ${R[$v.cold_completed]}+${R[$v.warm_completed]} / ${R[$v.cold_failed]}+${R[$v.warm_failed]} | ${R[$g.cold_completed]}+${R[$g.warm_completed]} / ${R[$g.cold_failed]}+${R[$g.warm_failed]} | no failures | $(verdict "$( [ "${R[$g.cold_failed]}${R[$g.warm_failed]}" = 00 ] && echo 1)") |
EOF
}

# The table of --streams-only: startup, the stream rows and issue 16's rows.
report_streams() {
  local d=direct n=nginx v=vertx g=gateway
  cat <<EOF
# Benchmark results (streams only)

Taken by \`scripts/bench --streams-only$( [ "$QUICK" = 1 ] && echo " --quick")\` on $(date -u '+%Y-%m-%d %H:%M UTC') (commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "?")$(git -C "$root" diff --quiet HEAD -- src pom.xml scripts 2>/dev/null || echo ", with uncommitted changes")); $(nproc) cores, load average $LOAD_START → $LOAD_END; gateway JVM flags: \`${GATEWAY_JAVA_OPTS:-none}\`.

| measure | direct | nginx | bare Vert.x | gateway | target for the gateway | met |
|---|---:|---:|---:|---:|---|---|
| start to \`/health\` 200 (ms, best of $STARTUP_RUNS) | — | $NGINX_STARTUP_MS | $VX_STARTUP_MS | $GW_STARTUP_MS | ≤ 1000 | $(verdict "$(le "$GW_STARTUP_MS" 1000)") |
| RSS idle (MB) | $(mb "$RSS_IDLE_up") (upstream) | $(mb "$RSS_IDLE_nginx") | $(mb "$RSS_IDLE_vx") | $(mb "$RSS_IDLE_gw") | ≤ 150 | $(verdict "$(le "$(mb "$RSS_IDLE_gw")" 150)") |
| chunk delay p50 / p99, 50 streams (ms, $STREAM_ROUNDS × ${STREAM_S} s) | $(pair_ms "${R[$d.s50_p50_us]}" "${R[$d.s50_p99_us]}") | $(pair_ms "${R[$n.s50_p50_us]}" "${R[$n.s50_p99_us]}") | $(pair_ms "${R[$v.s50_p50_us]}" "${R[$v.s50_p99_us]}") | $(pair_ms "${R[$g.s50_p50_us]}" "${R[$g.s50_p99_us]}") | | |
| chunk delay p50 / p99, 400 streams (ms, $STREAM_ROUNDS × ${STREAM_S} s) | $(pair_ms "${R[$d.s400_p50_us]}" "${R[$d.s400_p99_us]}") | $(pair_ms "${R[$n.s400_p50_us]}" "${R[$n.s400_p99_us]}") | $(pair_ms "${R[$v.s400_p50_us]}" "${R[$v.s400_p99_us]}") | $(pair_ms "${R[$g.s400_p50_us]}" "${R[$g.s400_p99_us]}") | | |
$(burst_rows)

Startup runs of the gateway (ms): ${GW_STARTUPS[*]}; of the bare Vert.x proxy: ${VX_STARTUPS[*]}.

$(vx_note)

\`\`\`
$(printf '%s\n' "${COMMANDS[@]}")
\`\`\`
EOF
}

report() {
  local ncpu mem cpu java_v nginx_v wrk_v others pct
  ncpu=$(nproc)
  mem=$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
  cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
  java_v=$(java -version 2>&1 | head -1 || true)
  nginx_v=$("$NGINX" -v 2>&1 | sed 's/.*version: //' || true)
  wrk_v=$(wrk -v 2>&1 | head -1 | awk '{ print $2 }' || true) # wrk -v exits 1
  others=$(awk -v b="$BUSY_S" -v o="$OURS_S" 'BEGIN { d = b - o; printf "%.1f", (d < 0 ? 0 : d) }')
  pct=$(awk -v d="$others" -v w="$WALL_S" -v n="$ncpu" 'BEGIN { printf "%.0f", 100 * d / (w * n) }')

  local d=direct n=nginx v=vertx g=gateway
  local add_n=$(( ${R[$n.c1_p50]} - ${R[$d.c1_p50]} )) add_g=$(( ${R[$g.c1_p50]} - ${R[$d.c1_p50]} ))
  local add_v=$(( ${R[$v.c1_p50]} - ${R[$d.c1_p50]} ))
  local ratio
  ratio=$(awk -v g="${R[$g.c64_rps]}" -v n="${R[$n.c64_rps]}" 'BEGIN { printf "%.2f", (n > 0 ? g / n : 0) }')
  local coal_g=$(( ${R[$g.s50_coalesced]} + ${R[$g.s400_coalesced]} ))
  local h1=${R[$g.soak1_heap]:-} h2=${R[$g.soak2_heap]:-} flat heap_row
  if [ -n "$h1" ] && [ -n "$h2" ]; then
    # flat: grew by at most 10 % or 4 MB between the two samples (over ~1M requests: < 5 bytes each)
    flat=$(awk -v a="$h1" -v b="$h2" 'BEGIN { print ((b - a <= (a / 10 > 4096 ? a / 10 : 4096)) ? 1 : 0) }')
    heap_row="$(mb "$h1") → $(mb "$h2") (heap after GC)"
  else
    flat=$(awk -v a="${R[$g.soak1_rss]}" -v b="${R[$g.soak2_rss]}" 'BEGIN { print ((b - a <= (a / 10 > 4096 ? a / 10 : 4096)) ? 1 : 0) }')
    heap_row="$(mb "${R[$g.soak1_rss]}") → $(mb "${R[$g.soak2_rss]}") (RSS; no jcmd)"
  fi
  local failed_any=0 t k
  for t in direct nginx gateway; do
    for k in s50_failed s400_failed; do [ "${R[$t.$k]:-1}" = 0 ] || failed_any=1; done
  done

  cat <<EOF
# Benchmark results

Taken by \`scripts/bench$( [ "$QUICK" = 1 ] && echo " --quick")\` on $(date -u '+%Y-%m-%d %H:%M UTC') (commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "?")$(git -C "$root" diff --quiet HEAD -- src pom.xml 2>/dev/null || echo ", with uncommitted changes")).

- Machine: $ncpu cores ($cpu), $mem RAM, kernel $(uname -r); $java_v; nginx $nginx_v; wrk $wrk_v.
- Load average (1/5/15 min): $LOAD_START at the start, $LOAD_END at the end.
- Other processes used ${others} CPU-seconds of the ${WALL_S} s run (~${pct}% of the machine): the
  bench shares its $ncpu cores with them, so treat every number as noisy.
- Everything on loopback: one bench upstream (Vert.x, 2 event loops), nginx (\`worker_processes auto\`),
  a bare Vert.x proxy and the gateway (\`serve\`, default instances = cores) in front of it; wrk and the
  stream client on the same cores. Each measurement goes round-robin over the four targets (wrk:
  $ROUNDS rounds, medians; streams: $STREAM_ROUNDS rounds, all events pooled), so load from elsewhere
  falls on all four alike.

| measure | direct | nginx | bare Vert.x | gateway | target for the gateway (issues 6, 16) | met |
|---|---:|---:|---:|---:|---|---|
| warm-up: 1 s runs until steady, first → best (req/s) | ${R[$d.warm_first]} → ${R[$d.warm_best]} in ${R[$d.warm_s]} s | ${R[$n.warm_first]} → ${R[$n.warm_best]} in ${R[$n.warm_s]} s | ${R[$v.warm_first]} → ${R[$v.warm_best]} in ${R[$v.warm_s]} s | ${R[$g.warm_first]} → ${R[$g.warm_best]} in ${R[$g.warm_s]} s | | |
| throughput, 64 connections (req/s, median of $ROUNDS × ${WRK_S} s) | ${R[$d.c64_rps]} | ${R[$n.c64_rps]} | ${R[$v.c64_rps]} | ${R[$g.c64_rps]} | ≥ 0.85× nginx (issue 16) | $(verdict "$(le 0.85 "$ratio")") (${ratio}×) |
| latency p50 / p99, 64 connections (ms, medians) | $(pair_ms "${R[$d.c64_p50]}" "${R[$d.c64_p99]}") | $(pair_ms "${R[$n.c64_p50]}" "${R[$n.c64_p99]}") | $(pair_ms "${R[$v.c64_p50]}" "${R[$v.c64_p99]}") | $(pair_ms "${R[$g.c64_p50]}" "${R[$g.c64_p99]}") | | |
| latency p50 / p99, 1 connection (ms, medians of $ROUNDS × ${LAT_S} s) | $(pair_ms "${R[$d.c1_p50]}" "${R[$d.c1_p99]}") | $(pair_ms "${R[$n.c1_p50]}" "${R[$n.c1_p99]}") | $(pair_ms "${R[$v.c1_p50]}" "${R[$v.c1_p99]}") | $(pair_ms "${R[$g.c1_p50]}" "${R[$g.c1_p99]}") | | |
| added latency p50 vs direct, 1 connection (µs) | — | +$add_n | +$add_v | +$add_g | ≤ nginx's | $(verdict "$(le "$add_g" "$add_n")") |
| chunk delay p50 / p99, 50 streams (ms, $STREAM_ROUNDS × ${STREAM_S} s) | $(pair_ms "${R[$d.s50_p50_us]}" "${R[$d.s50_p99_us]}") | $(pair_ms "${R[$n.s50_p50_us]}" "${R[$n.s50_p99_us]}") | $(pair_ms "${R[$v.s50_p50_us]}" "${R[$v.s50_p99_us]}") | $(pair_ms "${R[$g.s50_p50_us]}" "${R[$g.s50_p99_us]}") | ≤ nginx's | $(verdict $(( $(le "${R[$g.s50_p50_us]}" "${R[$n.s50_p50_us]}") * $(le "${R[$g.s50_p99_us]}" "${R[$n.s50_p99_us]}") ))) |
| chunk delay p50 / p99, 400 streams (ms, $STREAM_ROUNDS × ${STREAM_S} s) | $(pair_ms "${R[$d.s400_p50_us]}" "${R[$d.s400_p99_us]}") | $(pair_ms "${R[$n.s400_p50_us]}" "${R[$n.s400_p99_us]}") | $(pair_ms "${R[$v.s400_p50_us]}" "${R[$v.s400_p99_us]}") | $(pair_ms "${R[$g.s400_p50_us]}" "${R[$g.s400_p99_us]}") | ≤ nginx's | $(verdict $(( $(le "${R[$g.s400_p50_us]}" "${R[$n.s400_p50_us]}") * $(le "${R[$g.s400_p99_us]}" "${R[$n.s400_p99_us]}") ))) |
$(burst_rows)
| coalesced reads, 50 / 400 streams (of reads) | ${R[$d.s50_coalesced]} / ${R[$d.s400_coalesced]} (of ${R[$d.s50_reads]} / ${R[$d.s400_reads]}) | ${R[$n.s50_coalesced]} / ${R[$n.s400_coalesced]} (of ${R[$n.s50_reads]} / ${R[$n.s400_reads]}) | ${R[$v.s50_coalesced]} / ${R[$v.s400_coalesced]} (of ${R[$v.s50_reads]} / ${R[$v.s400_reads]}) | ${R[$g.s50_coalesced]} / ${R[$g.s400_coalesced]} (of ${R[$g.s50_reads]} / ${R[$g.s400_reads]}) | none (direct shows what the client and machine cause alone) | $(verdict "$( [ "$coal_g" = 0 ] && echo 1)") |
| streams completed / failed, 50 + 400 streams | ${R[$d.s50_completed]}+${R[$d.s400_completed]} / ${R[$d.s50_failed]}+${R[$d.s400_failed]} | ${R[$n.s50_completed]}+${R[$n.s400_completed]} / ${R[$n.s50_failed]}+${R[$n.s400_failed]} | ${R[$v.s50_completed]}+${R[$v.s400_completed]} / ${R[$v.s50_failed]}+${R[$v.s400_failed]} | ${R[$g.s50_completed]}+${R[$g.s400_completed]} / ${R[$g.s50_failed]}+${R[$g.s400_failed]} | no failures | $(verdict $(( 1 - failed_any ))) |
| wrk errors (non-2xx, socket), all runs | ${R[$d.errors]} | ${R[$n.errors]} | ${R[$v.errors]} | ${R[$g.errors]} | 0 | $(verdict "$( [ "${R[$g.errors]}" = 0 ] && echo 1)") |
| start to \`/health\` 200 (ms, best of $STARTUP_RUNS) | — | $NGINX_STARTUP_MS | $VX_STARTUP_MS | $GW_STARTUP_MS | ≤ 1000 | $(verdict "$(le "$GW_STARTUP_MS" 1000)") |
| RSS idle (MB) | $(mb "$RSS_IDLE_up") (upstream) | $(mb "$RSS_IDLE_nginx") | $(mb "$RSS_IDLE_vx") | $(mb "$RSS_IDLE_gw") | ≤ 150 | $(verdict "$(le "$(mb "$RSS_IDLE_gw")" 150)") |
| RSS with $HOLD_STREAMS open streams (MB) | — | $(mb "${R[$n.hold_rss]}") | $(mb "${R[$v.hold_rss]}") | $(mb "${R[$g.hold_rss]}") | ≤ 400 | $(verdict $(( $(le "$(mb "${R[$g.hold_rss]}")" 400) * $( [ "${R[$g.hold_rss]}" != 0 ] && echo 1 || echo 0) ))) |
| memory after ${R[$g.soak1_requests]} → ${R[$g.soak2_requests]} requests (MB) | — | — | — | $heap_row | flat (≤ +10 % or +4 MB) | $(verdict "$flat") |

RSS of nginx is master + workers added up; gateway RSS after the soak: $(mb "${R[$g.soak2_rss]}") MB.
Startup runs of the gateway (ms): ${GW_STARTUPS[*]}; of the bare Vert.x proxy: ${VX_STARTUPS[*]}. The
$HOLD_STREAMS-stream runs failed ${R[$n.hold_failed]:-?} (nginx), ${R[$v.hold_failed]:-?} (bare Vert.x) and ${R[$g.hold_failed]:-?} (gateway)
streams. The soak asked for $SOAK_REQUESTS requests within ${SOAK_MAX_S} s.

$(vx_note)

How to read it: see "Benchmark" in README.md. In short: *latency* is wrk's (POST of a small chat
request, non-streaming answer); *chunk delay* is the stream client's read time minus the upstream's
send time stamped in each event (\`"ts"\`, µs), for streams of $EVENTS events ${INTERVAL_MS} ms apart; a
*coalesced read* is one socket read that delivered two or more events the upstream had sent at
least $(( INTERVAL_MS / 2 )) ms apart.

## Commands

\`\`\`
$(printf '%s\n' "${COMMANDS[@]}")
\`\`\`

<details><summary>nginx.conf and llm.yml used</summary>

\`\`\`nginx
$(cat "$tmp/nginx/nginx.conf")
\`\`\`

\`\`\`yaml
$(cat "$tmp/llm.yml")
\`\`\`
</details>
EOF
}
