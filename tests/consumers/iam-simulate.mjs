// The IAM decision oracle for tests/integration/simulator.rs: `@cloud-copilot/iam-simulate`
// (AGPL-3.0: a test-only consumer run in its own node process, never linked or shipped).
// Reads one JSON object per line on standard input, {"id": ..., "simulation": {...}} as
// runSimulation takes it, and writes one line per input, in order:
// {"id": ..., "result": "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied"} or
// {"id": ..., "error": "..."} when the simulator refuses the request.
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { createInterface } from 'node:readline';

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
const out = [];
for await (const line of lines) {
  if (!line.trim()) continue;
  const { id, simulation } = JSON.parse(line);
  try {
    const result = await runSimulation(simulation, { simulationMode: 'Strict' });
    if (result.resultType === 'error') {
      out.push(JSON.stringify({ id, error: JSON.stringify(result.errors) }));
    } else {
      out.push(JSON.stringify({ id, result: result.overallResult }));
    }
  } catch (e) {
    out.push(JSON.stringify({ id, error: String(e) }));
  }
  if (out.length >= 512) {
    process.stdout.write(out.join('\n') + '\n');
    out.length = 0;
  }
}
if (out.length) process.stdout.write(out.join('\n') + '\n');
