-- wrk script: POST one MCP `tools/call` of retrieve-billjob (or BENCH_MCP_TOOL) per request, each with its own JSON-RPC id.
--
--   wrk -t2 -c32 -d10s --latency -s bench/mcp_call.lua http://127.0.0.1:PORT/mcp
--
-- Every response body is checked: it must be a JSON-RPC result whose `isError` is false and that
-- carries the BillJob (the `BENCH_MCP_EXPECT` string, default `"status":"COMPLETE"`). The counts of
-- good and bad responses are printed at the end as `mcp_ok N` / `mcp_bad N`, and the first bad body
-- as `mcp_bad_sample ...`, for run.sh to read.
--
-- Headers: the streamable HTTP transport requires `Accept: application/json, text/event-stream` and
-- `Content-Type: application/json`. BENCH_MCP_PROTOCOL picks the protocol revision (default
-- 2025-11-25):
--   2025-11-25 (or 2025-06-18): the `MCP-Protocol-Version` header a client sends on every request
--     after its handshake; stateless servers take the call without an `initialize` first.
--   2026-07-28: no handshake at all; every request names its method in `Mcp-Method` (and the tool
--     in `Mcp-Name`) and carries `_meta` with `io.modelcontextprotocol/protocolVersion` and
--     `io.modelcontextprotocol/clientCapabilities`.

local threads = {}
local counter = 1

local protocol = os.getenv("BENCH_MCP_PROTOCOL") or "2025-11-25"
local expect = os.getenv("BENCH_MCP_EXPECT") or '"status":"COMPLETE"'
-- The tool called (BENCH_MCP_TOOL): retrieve-billjob, or its twin under another server's naming.
local tool = os.getenv("BENCH_MCP_TOOL") or "retrieve-billjob"

function setup(thread)
   thread:set("tid", counter)
   table.insert(threads, thread)
   counter = counter + 1
end

function init(args)
   nthreads = counter - 1
   seq = 0
   ok = 0
   bad = 0
   sample = ""
   wrk.method = "POST"
   wrk.headers["Content-Type"] = "application/json"
   wrk.headers["Accept"] = "application/json, text/event-stream"
   if protocol ~= "" then
      wrk.headers["MCP-Protocol-Version"] = protocol
   end
   meta = ""
   if protocol >= "2026" then
      wrk.headers["Mcp-Method"] = "tools/call"
      wrk.headers["Mcp-Name"] = tool
      meta = ',"_meta":{"io.modelcontextprotocol/protocolVersion":"' .. protocol
         .. '","io.modelcontextprotocol/clientCapabilities":{}}'
   end
end

function request()
   seq = seq + 1
   -- Distinct across threads: thread tid issues tid, tid + nthreads, tid + 2 nthreads, ...
   local id = tid + (seq - 1) * nthreads
   local body = '{"jsonrpc":"2.0","id":' .. id .. ',"method":"tools/call","params":{"name":"' .. tool .. '",'
      .. '"arguments":{"orgId":"org-bench","id":"bj-' .. (id % 1000) .. '"}' .. meta .. '}}'
   return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
   if status == 200 and body:find('"result"', 1, true) and not body:find('"isError"%s*:%s*true')
      and body:find(expect, 1, true) then
      ok = ok + 1
   else
      bad = bad + 1
      if sample == "" then
         sample = status .. " " .. string.sub(body or "", 1, 300)
      end
   end
end

function done(summary, latency, requests)
   local total_ok, total_bad, first = 0, 0, ""
   for _, t in ipairs(threads) do
      total_ok = total_ok + t:get("ok")
      total_bad = total_bad + t:get("bad")
      local s = t:get("sample")
      if first == "" and s ~= nil and s ~= "" then
         first = s
      end
   end
   io.write(string.format("mcp_ok %d\nmcp_bad %d\n", total_ok, total_bad))
   if first ~= "" then
      io.write("mcp_bad_sample " .. first:gsub("\n", " ") .. "\n")
   end
end
