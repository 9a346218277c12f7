-- Every reader of room_memberships filters by user_id (membershipChanges, membershipAt,
-- visibilityTimeline, forget), so (user_id, stream_ordering) serves them all and the room index
-- only cost each membership event an index write (issue #5: bulk joins).
DROP INDEX room_memberships_room;
