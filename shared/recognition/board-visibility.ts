import type { Employee } from '#shared/employees/employee';
import { shownOnBoards } from '#shared/recognition/leaderboard';
import type { RecognitionStore } from '#shared/store/recognition';

/**
 * The writes that move a person on or off the boards, for the transaction of the change that
 * does it (hiding or showing, leaving or rejoining, deactivation or reactivation); none when the
 * change leaves them where they were.
 */
export const boardVisibilityWrites = async (
  deps: { recognition: Pick<RecognitionStore, 'visibilityWrites'> },
  before: Employee,
  after: Employee,
  at: Date,
) =>
  shownOnBoards(before) === shownOnBoards(after)
    ? []
    : deps.recognition.visibilityWrites(after.employeeId, shownOnBoards(after), at);
