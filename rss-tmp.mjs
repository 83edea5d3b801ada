import fs from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
const qs = fs.readFileSync('/work/shared/eval/dev.jsonl','utf8').trim().split('\n').map(l=>JSON.parse(l).query);
const args = process.argv.slice(2);
const transport = new StdioClientTransport({ command: 'node', args: [...args, 'dist/cli/main.js', 'serve'], stderr: 'ignore', env: { ...process.env } });
const client = new Client({ name: 'rss', version: '1' }); await client.connect(transport);
const pid = transport.pid;
const rss = () => { const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8'); return Math.round(Number(/VmRSS:\s+(\d+)/.exec(s)[1]) / 1024); };
await client.callTool({ name: 'search_docs', arguments: { query: qs[0], limit: 10 } });
const first = rss();
await new Promise(r => setTimeout(r, 2000)); console.log('idle 2s', rss());
for (let i = 0; i < 1000; i++) { await client.callTool({ name: 'search_docs', arguments: { query: qs[i % qs.length], limit: 10 } }); if (i % 200 === 0) console.log(i, rss()); }
const after = rss();
const roll = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').split('\n').filter(l => /^(Rss|Pss_Anon|Pss_File|Anonymous)/.test(l)).join(' | ');
console.log({ first, after }, roll);
await client.close();
