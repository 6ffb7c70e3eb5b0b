# nbgrader configuration for the course's TypeScript (tslab) notebooks.
# Used by scripts/grade.py (make release, make autograde); a teacher who runs nbgrader by hand
# passes it with --config=grading/nbgrader_config.py.
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

c = get_config()  # noqa: F821 (nbgrader provides get_config)

# What a student sees in place of a reference answer: a line that fails clearly when run, so the
# check below it scores 0 until the student writes code.
c.ClearSolutions.code_stub = {
    "typescript": 'throw new Error("Write your answer here: replace this line with your code, then run the check below.");',
}
c.ClearSolutions.begin_solution_delimeter = "// BEGIN SOLUTION"
c.ClearSolutions.end_solution_delimeter = "// END SOLUTION"
# Markdown answers are not used by the course; keep nbgrader's default text for them.
c.ClearSolutions.enforce_metadata = True

# Autograding runs the notebook under the tslab kernel through TslabExecute (tslab_execute.py):
# it waits out tslab's abort window after a failing cell, so every later cell still runs and is
# graded, and records a cell the kernel aborted anyway as an error (never as full marks).
from tslab_execute import TslabExecute  # noqa: E402
from nbgrader.preprocessors import (  # noqa: E402
    AssignLatePenalties, CheckCellMetadata, IgnorePattern, LimitOutput, SaveAutoGrades,
)
from nbconvert.preprocessors import ClearMetadataPreprocessor  # noqa: E402

c.Autograde.autograde_preprocessors = [
    TslabExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
    SaveAutoGrades, AssignLatePenalties, CheckCellMetadata,
]
# Some lesson cells wait several seconds (ten 1-second sleeps one after another, a rate limit).
c.Execute.timeout = 180
# About one kernel start in 45 hangs on a busy zeromq socket: try the notebook once more.
c.Execute.execute_retries = 1
c.Execute.startup_timeout = 60
