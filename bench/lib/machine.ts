// One line about the machine, printed first so figures can be compared across runs.
import { cpus, totalmem } from 'node:os';

export function describeMachine(): string {
  const cores = cpus();
  return `${cores.length} cores (${cores[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(totalmem() / 1024 ** 3)} GB RAM, node ${process.version}, ${process.platform}/${process.arch}`;
}
