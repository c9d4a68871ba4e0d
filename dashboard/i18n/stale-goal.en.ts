/** English strings of a goal filter naming a goal the site no longer has (site-view/stale-goals.ts, loaded with it). */
export const staleGoal = {
  'sv.goal.stale': 'Goal “{name}” no longer exists: filter not applied',
  'sv.goal.staleRemove': 'Remove the filter on the goal “{name}”, which no longer exists',
};
