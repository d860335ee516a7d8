/**
 * Runs benchmark tasks in child processes, `jobs` at a time, for machines with cores to spare: each task is the
 * script run again (through tsx, as the parent) with its own arguments, one GEMM thread per child, and prints its
 * result as the last line of its stdout, in JSON. Results come back in task order; a child that fails stops the run
 * with its arguments named.
 */
import { spawn } from 'node:child_process';

export async function runInChildren<T>(script: string, tasks: readonly string[][], jobs: number): Promise<T[]> {
  const results = new Array<T>(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const k = next++;
      results[k] = await runChild<T>(script, tasks[k]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, tasks.length)) }, worker));
  return results;
}

function runChild<T>(script: string, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...process.execArgv, script, ...args], { env: { ...process.env, DAD_THREADS: '1' }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    proc.on('error', reject);
    proc.on('close', (code) => {
      if (code !== 0) return reject(new Error(`benchmark child '${args.join(' ')}' exited with code ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as T);
      } catch (cause) {
        reject(new Error(`benchmark child '${args.join(' ')}' printed no JSON result`, { cause }));
      }
    });
  });
}
