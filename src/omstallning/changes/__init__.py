"""What changed since an earlier version of a plan (issue 17).

- `git` reads an earlier version of the region from git (the `git` executable, read only)
  or from another copy of the repository, and loads it with the project's own loader;
- `compare` turns two loaded regions into a structured change list per municipality and
  one list for the shared introduction;
- `tracked` turns the plan's DOCX of two versions into one DOCX whose differences are Word
  tracked changes (`w:ins`/`w:del`);
- `decided` finds each municipality's last decided version, for `status`.

The change list as a document lives in `documents.changes`; the command that ties these
together for `build --jamfor REF` in `commands.compare`.
"""
