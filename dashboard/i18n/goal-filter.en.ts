/** The goal filter's name on its chip, drawn before the Goals panel's own strings load (goals.en.ts). */
export const goalFilter = {
  'sv.dim.event:goal': 'Goal',
  'sv.goal.stale': 'Goal “{name}” no longer exists: filter not applied',
  'sv.goal.staleRemove': 'Remove the filter on the goal “{name}”, which no longer exists',
};
