-- A member's current answer, in callup_members, now carries its channel
-- too, so that the answer page reads the member's last answer from there
-- and callup_answers is only appended to. Its index by member served that
-- one read and cost every answer a write at a random place in the index
-- (about a third of the pages an answer's commit writes); the history
-- stays complete, in id order.
ALTER TABLE callup_members ADD COLUMN answer_via TEXT NOT NULL DEFAULT '';
UPDATE callup_members SET answer_via = (SELECT a.via FROM callup_answers a
	WHERE a.callup_id = callup_members.callup_id AND a.member_id = callup_members.member_id
	ORDER BY a.id DESC LIMIT 1)
WHERE answer <> '';
DROP INDEX callup_answers_member;
