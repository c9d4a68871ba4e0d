/** The goal filter's name on its chip, drawn before the Goals panel's own strings load (goals.en.ts). */
export const goalFilter = { 'sv.dim.event:goal': 'Goal' };
