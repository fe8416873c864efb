from partnerdesk.tools.quiet_output import quiet_lines

SITE = "/work/main/.venv/lib/python3.11/site-packages"


def test_library_deprecations_are_dropped_with_their_source_line():
    lines = [
        f"{SITE}/rasa/cli/arguments/test.py:129: DeprecationWarning: Nesting argument groups\n",
        '  cross_validation_arguments = parser.add_argument_group("Cross Validation")\n',
        f"{SITE}/pkg_resources/__init__.py:3117: DeprecationWarning: Deprecated call to x.\n",
        "Implementing implicit namespace packages is preferred.\n",
        "  declare_namespace(pkg)\n",
        "2026-12-03 15:50:08 INFO     rasa.core.processor  - Loading model\n",
    ]
    assert list(quiet_lines(lines)) == [
        "2026-12-03 15:50:08 INFO     rasa.core.processor  - Loading model\n",
    ]


def test_errors_other_warnings_and_our_own_warnings_pass():
    lines = [
        f"{SITE}/rasa/shared/utils/io.py:100: UserWarning: Intent 'x' is not in the domain\n",
        "  More info at https://rasa.com/docs/rasa/domain\n",
        "/work/main/partnerdesk/x.py:3: DeprecationWarning: ours\n",
        "Traceback (most recent call last):\n",
        '  File "x.py", line 1, in <module>\n',
        "2026-12-03 15:50:08 ERROR    rasa.core.tracker_store  - database unreachable\n",
    ]
    assert list(quiet_lines(lines)) == lines
