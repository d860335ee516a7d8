/**
 * Runs benchmark tasks one at a time in a long-lived child process (task-child.ts), with a time limit per task: past
 * it the child is killed, the task is reported as timed out, and the next task starts a fresh child.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Task, TaskResult } from './task-child.ts';

const CHILD = fileURLToPath(new URL('./task-child.ts', import.meta.url));

export class TaskRunner {
  private child: ChildProcess | undefined;

  constructor(private readonly timeLimitSeconds: number) {}

  run(task: Task): Promise<TaskResult> {
    const child = (this.child ??= fork(CHILD, [], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    return new Promise((resolve) => {
      const finish = (result: TaskResult): void => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(result);
      };
      const onMessage = (message: TaskResult): void => finish(message);
      const onExit = (code: number | null, signal: string | null): void => {
        this.child = undefined;
        finish({ ok: false, error: `the task process ended (${signal ?? `exit code ${code}`})` });
      };
      const timer = setTimeout(() => {
        child.off('exit', onExit);
        child.kill('SIGKILL');
        this.child = undefined;
        finish({ ok: false, error: `timed out after ${this.timeLimitSeconds} s` });
      }, this.timeLimitSeconds * 1000);
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.send(task);
    });
  }

  close(): void {
    this.child?.kill();
    this.child = undefined;
  }
}
