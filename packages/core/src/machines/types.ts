/** Outcome of a pure transition: the next state plus effects to perform, or a rejection with a reason. */
export type Transition<S, E> =
  | { ok: true; state: S; effects: E[] }
  | { ok: false; reason: string };

export const accept = <S, E>(state: S, effects: E[] = []): Transition<S, E> => ({ ok: true, state, effects });
export const reject = <S, E>(reason: string): Transition<S, E> => ({ ok: false, reason });
