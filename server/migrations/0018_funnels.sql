-- Funnels (issue 23): a name and 2 to 8 of the site's goals in order. A funnel is a
-- definition over stored events, as a goal is: it counts all history. A goal that is a
-- step of a funnel cannot be deleted (goals/goals.ts removeGoal refuses, naming the
-- funnel): removing the step silently would change what the funnel measures.
-- A funnel is a setting: a reset keeps it, removing the site deletes it (store/site-days.ts).
-- D1 rules: no PRAGMA, no BEGIN/COMMIT.

CREATE TABLE funnels (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX funnels_name ON funnels (site_id, name);

-- A funnel's steps, position 0 first. site_id is kept so a site's rows go in one statement.
CREATE TABLE funnel_steps (
  funnel_id INTEGER NOT NULL,
  site_id INTEGER NOT NULL,
  position INTEGER NOT NULL,
  goal_id INTEGER NOT NULL,
  PRIMARY KEY (funnel_id, position)
) WITHOUT ROWID;
CREATE INDEX funnel_steps_goal ON funnel_steps (goal_id);
