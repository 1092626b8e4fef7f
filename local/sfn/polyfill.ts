/**
 * `Promise.withResolvers` for Node 20.
 *
 * aws-local-stepfunctions 3.0.0 (built for Node 22) calls it in every Task state; on Node 20 each
 * Task would fail with "Promise.withResolvers is not a function". Import this module before the
 * engine. It is a no-op where the runtime already has the method.
 */
type WithResolvers = <T>() => { promise: Promise<T>; resolve: (value: T) => void; reject: (reason?: unknown) => void };

const promiseConstructor = Promise as unknown as { withResolvers?: WithResolvers };

if (typeof promiseConstructor.withResolvers !== "function") {
  promiseConstructor.withResolvers = <T>() => {
    let resolve!: (value: T) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
