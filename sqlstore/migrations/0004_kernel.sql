-- The case-file kernel: uniqueness that must hold across processes, the
-- identification outcome beside the state, and reconsideration requests.

-- Only one episode of a person is open at a time, also with several
-- processes on one database: re-opening races end in one winner.
CREATE UNIQUE INDEX cases_one_open_episode ON cases (person_id) WHERE state <> 'closed';

-- Only one referral of a case to an organisation is pending at a time.
CREATE UNIQUE INDEX referrals_one_pending ON referrals (case_id, to_org) WHERE status = 'pending';

-- An authority keeps the record of its own decisions (access rule).
CREATE INDEX decisions_org ON decisions (decided_org, case_id);

-- What the identification track ended in, kept apart from the state so
-- that closing and re-opening do not overwrite it: declined-by-authority,
-- negative-reasonable-grounds, negative-conclusive-grounds,
-- positive-conclusive-grounds, withdrew-from-nrm; '' while under way.
ALTER TABLE cases ADD COLUMN identification_outcome TEXT NOT NULL DEFAULT '';

-- A request to reconsider a negative decision (or a decline), by the
-- referring organisation, a support provider or the person's lawyer.
CREATE TABLE reconsideration_requests (
    id             TEXT PRIMARY KEY,
    case_id        TEXT NOT NULL REFERENCES cases(id),
    subject        TEXT NOT NULL,
    subject_id     TEXT NOT NULL,
    to_org         TEXT NOT NULL,
    requested_by   TEXT NOT NULL,
    requested_org  TEXT NOT NULL,
    requester      TEXT NOT NULL,
    reason         BLOB,
    status         TEXT NOT NULL,
    answer         BLOB,
    answered_by    TEXT NOT NULL DEFAULT '',
    answered_at    BIGINT NOT NULL DEFAULT 0,
    created_at     BIGINT NOT NULL
);
CREATE INDEX reconsideration_case ON reconsideration_requests (case_id, created_at);
CREATE UNIQUE INDEX reconsideration_one_pending ON reconsideration_requests (case_id) WHERE status = 'pending';

-- The identification state apart from the episode's open/closed status:
-- closing sets state to 'closed' and keeps this one; re-opening starts a
-- new episode. Closed cases of before take what their decisions say.
ALTER TABLE cases ADD COLUMN identification_state TEXT NOT NULL DEFAULT '';
UPDATE cases SET identification_state = state WHERE state <> 'closed';
UPDATE cases SET identification_state = COALESCE((SELECT CASE
        WHEN d.kind = 'conclusive-grounds' AND d.outcome = 'positive' THEN 'identified'
        WHEN d.outcome = 'negative' THEN 'not-identified'
        ELSE 'recovery-period' END
    FROM decisions d WHERE d.case_id = cases.id ORDER BY d.created_at DESC LIMIT 1), 'encountered')
    WHERE state = 'closed';

-- The co-ordinator's overview counts open children's cases by country
-- (children nobody in nrm protects): a small partial index, not a scan of
-- every case.
CREATE INDEX cases_open_children ON cases (encounter_country) WHERE child AND state <> 'closed';
