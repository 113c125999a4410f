-- wrk script for the small non-streaming request of the benchmark: POST a short Anthropic-format body.
-- BENCH_AUTH / BENCH_API_KEY set the client's credentials (KeyRelay's client key, or an upstream key when direct).
wrk.method = "POST"
wrk.body = '{"model":"claude-bench","max_tokens":64,"messages":[{"role":"user","content":"Say hello."}]}'
wrk.headers["content-type"] = "application/json"
wrk.headers["anthropic-version"] = "2023-06-01"
local auth = os.getenv("BENCH_AUTH")
if auth and auth ~= "" then wrk.headers["authorization"] = auth end
local key = os.getenv("BENCH_API_KEY")
if key and key ~= "" then wrk.headers["x-api-key"] = key end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
