"""click in the user's language: `--help` in Vietnamese unless `--lang en` is given, and a mistyped
command line refused on one line (`Lỗi: …`, exit 2) instead of click's usage block in English.

The commands' help is written in English in cli.py; `VI` holds its Vietnamese, a command's by its name
and an option's by its English text (as gettext keys messages), so that an option shared by several
commands is translated once. tests/common/test_command_line.py fails when a help text has no translation."""

from __future__ import annotations

import inspect
import re
from collections.abc import Sequence
from typing import Any

import click

from ktrules.common.errors import suggest
from ktrules.common.messages import LANGS, short_number, t

VI: dict[str, str] = {
    # the commands, by name ("" is the group): the first line is the one `ktrules --help` lists
    "": "Xét danh hiệu thi đua và hình thức khen thưởng, kèm giải thích theo từng tiêu chí.",
    "check": """Mọi kết quả xét: mỗi dòng một cá nhân hoặc tập thể và một danh hiệu, theo từng đơn vị.

    CSV và JSON được ghi ngay khi tính xong từng nhóm đơn vị, chạy song song nhiều tiến trình với dữ liệu lớn
    (--jobs).

    Ví dụ:

        ktrules check fixtures/datasets/so-khcn-binh-dinh.yaml --period 2024
    """,
    "explain": """Vì sao có kết quả này: từng tiêu chí, giá trị đọc được, nội dung quy định và điều khoản.

    Ví dụ:

        ktrules explain fixtures/datasets/so-khcn-binh-dinh.yaml --period 2024 --subject p13 --award CSTDCS
    """,
    "test": """Chạy các tệp tình huống (hoặc thư mục chứa chúng) và so kết quả với kết quả mong đợi.

    Ví dụ:

        ktrules test fixtures/cases/
    """,
    "rules": """Các danh hiệu của từng phiên bản quy định, với tiêu chí tóm tắt, đọc từ tệp quy định.

    Ví dụ:

        ktrules rules --period 2024
    """,
    "schema": """In JSON Schema của tệp phiên bản quy định (sinh từ các mô hình).

    Ví dụ:

        ktrules schema > rules/rule-version.schema.json
    """,
    "lint": """Kiểm tra mọi bộ quy định trong một thư mục (mặc định rules/ của dự án): trích dẫn, mã,
    tham chiếu, vòng lặp, ngày hiệu lực của phiên bản, tiêu chí không bao giờ đạt hoặc không bao giờ trượt,
    tham số và dữ kiện không dùng. Thoát với mã 1 khi có lỗi.

    Ví dụ:

        ktrules lint rules/
    """,
    "campaigns": """Mọi bộ quy định phong trào: cơ quan ban hành kế hoạch, phong trào, thời gian, các đợt
    sơ kết, tổng kết và hình thức khen thưởng.

    Ví dụ:

        ktrules campaigns
    """,
    "dossier": """Với mỗi người được đề nghị: hồ sơ còn thiếu giấy tờ gì, và thời hạn nào đã qua.

    Ví dụ:

    \b
        ktrules dossier fixtures/datasets/campaigns/bac-kan-ntm.yaml --period 2023 --campaign bac-kan-ntm-2021-2025
    """,
    "diff": """Kết quả của ai thay đổi khi đổi ngày xét hoặc đổi quy định, và do những tiêu chí nào.

    Thoát với mã 1 khi có kết quả thay đổi (với --criteria: khi có bất cứ gì được liệt kê thay đổi), 0 khi
    không có.

    Ví dụ:

    \b
        ktrules diff fixtures/datasets/so-khcn-binh-dinh.yaml --period 2023 --against-as-of 2024-01-01
    """,
    "freeze": """Ghi kết quả xét hôm nay của một bộ dữ liệu thành tệp tình huống (kết quả chuẩn), kèm tiêu chí.

    `ktrules test` đạt trên tệp đó cho đến khi một thay đổi quy định làm đổi một kết quả hoặc một tiêu chí;
    khi đó chạy freeze lại và xem phần khác biệt của tệp.

    Ví dụ:

    \b
        ktrules freeze fixtures/datasets/so-khcn-binh-dinh.yaml --period 2024 --out fixtures/cases/golden/2024.yaml
    """,
    "template": """Ghi một sổ tính (.xlsx) để điền: mọi trang tính với tiêu đề cột, danh sách lựa chọn và một
    dòng mẫu.

    Ví dụ:

        ktrules template ho-so-2024.xlsx
    """,
    "rank": """Những người đủ điều kiện theo thứ tự: điểm, thứ hạng, có được đề nghị không, và nếu không thì vì sao.

    Ví dụ:

        ktrules rank fixtures/datasets/so-khcn-binh-dinh.yaml --period 2023 --award CSTDCS
    """,
    "ballot": """Kết quả bỏ phiếu kín của Hội đồng so với tỷ lệ phiếu của quy định đang áp dụng.

    Ví dụ:

        ktrules ballot --period 2024 --award CSTDCS --members 9 --yes 7
    """,
    "report": """Ghi tài liệu họp Hội đồng (.html hoặc .pdf, khổ A4) hoặc danh sách đề nghị (.xlsx): theo từng
    danh hiệu, danh sách đề nghị xếp hạng với tỷ lệ khống chế, ngưỡng phiếu, cấp quyết định và tiền thưởng,
    rồi những trường hợp không đủ điều kiện và điều còn thiếu.

    Ví dụ:

    \b
        ktrules report fixtures/datasets/so-khcn-binh-dinh.yaml --period 2024 --out hop-hoi-dong-2024.html
    """,
    "serve": """Trang web của Hội đồng và API HTTP (/api/check, /docs); in ra địa chỉ cần mở.

    Ví dụ:

        ktrules serve --port 8000
    """,
    "documents": """Ghi hồ sơ của Hội đồng thành văn bản (thể thức theo NĐ 30/2020): biên bản họp xét, dự thảo
    quyết định kèm tiền thưởng, tờ trình gửi từng cấp trên, và báo cáo thành tích của từng người được đề nghị.

    Ví dụ:

    \b
        ktrules documents fixtures/datasets/so-khcn-binh-dinh.yaml --period 2024 --out ho-so-2024 \\
            --decision-date 2025-01-15
    """,
    # the options, by their English help
    "Show the version and exit.": "In phiên bản rồi thoát.",
    "Language of help, messages and output, for any command (as its own --lang).":
        "Ngôn ngữ của hướng dẫn, thông báo và kết quả, cho mọi lệnh (như --lang của lệnh).",
    "How the result is printed.": "Cách in kết quả.",
    "The kind of file written: Word or PDF.": "Loại tệp được ghi: Word hoặc PDF.",
    "Language of the output.": "Ngôn ngữ của kết quả.",
    "Port to listen on.": "Cổng lắng nghe.",
    "Show this message and exit.": "In hướng dẫn này rồi thoát.",
    "The year evaluated.": "Năm xét.",
    "Date whose rules apply (YYYY-MM-DD or dd/mm/yyyy); default the period's last day.":
        "Ngày lấy quy định đang có hiệu lực (YYYY-MM-DD hoặc dd/mm/yyyy); mặc định ngày cuối của năm xét.",
    "Folder of rule packs.": "Thư mục chứa các bộ quy định.",
    "The rules folder, instead of the argument (as other commands take it).":
        "Thư mục quy định, thay cho đối số (như tùy chọn --rules của các lệnh khác).",
    "Language of verdicts and reports.": "Ngôn ngữ của kết quả và báo cáo (vi: tiếng Việt, en: tiếng Anh).",
    "A campaign pack id (see `ktrules campaigns`); default the national awards.":
        "Mã bộ quy định phong trào (xem `ktrules campaigns`); mặc định các danh hiệu, hình thức của Luật.",
    "Only this award id (repeatable), e.g. LDTT.": "Chỉ danh hiệu có mã này (ghi được nhiều lần), ví dụ LDTT.",
    "Only this person or unit id (repeatable).": "Chỉ cá nhân hoặc tập thể có mã này (ghi được nhiều lần).",
    "The person or unit id.": "Mã của cá nhân hoặc tập thể.",
    "Only this award id (repeatable); default every award.":
        "Chỉ danh hiệu có mã này (ghi được nhiều lần); mặc định mọi danh hiệu.",
    "Also list the cases that passed.": "Liệt kê cả những tình huống đạt.",
    "Also show which criteria the cases saw passed, failed and undecided, and the gaps.":
        "Cho biết thêm tiêu chí nào các tình huống đã gặp ở dạng đạt, không đạt, chưa xác định, và chỗ còn thiếu.",
    "Least coverage in percent, else exit 1 (implies --coverage); default [tool.ktrules] coverage_min of "
    "pyproject.toml.":
        "Độ phủ tối thiểu (phần trăm), thấp hơn thì thoát với mã 1 (kèm --coverage); mặc định coverage_min "
        "trong [tool.ktrules] của pyproject.toml.",
    "Language of the failures and the coverage report.": "Ngôn ngữ của các ca sai và của báo cáo độ phủ.",
    "Folder of rule packs, for the cases that name none.":
        "Thư mục chứa các bộ quy định, cho các ca không ghi thư mục riêng (rules:).",
    "Rewrite golden case files (written by `ktrules freeze`) with today's verdicts instead.":
        "Thay vì so sánh, ghi lại các tệp kết quả chuẩn (do `ktrules freeze` tạo) bằng kết quả hôm nay.",
    "Only the version in force for this year.": "Chỉ phiên bản có hiệu lực trong năm này.",
    "Only the version in force on this date.": "Chỉ phiên bản có hiệu lực vào ngày này.",
    "Date whose rules apply on the after side; default --as-of.":
        "Ngày lấy quy định ở phía sau khi so sánh; mặc định như --as-of.",
    "Folder of rule packs on the after side (another checkout, say); default --rules.":
        "Thư mục bộ quy định ở phía sau khi so sánh (ví dụ một bản sao khác); mặc định như --rules.",
    "Also list verdicts that stay the same but whose criteria results changed.":
        "Liệt kê cả những kết quả không đổi nhưng kết quả tiêu chí thay đổi.",
    "text: each change with its criteria in full; table: one row per change; json: everything.":
        "text: từng thay đổi với đầy đủ tiêu chí; table: mỗi thay đổi một dòng; json: toàn bộ.",
    "Only this award id (repeatable).": "Chỉ danh hiệu có mã này (ghi được nhiều lần).",
    "The case file to write (.yaml); one written by freeze before is replaced whole, any other file only with "
    "--force.":
        "Tệp tình huống cần ghi (.yaml); tệp do freeze ghi trước đó thì được thay toàn bộ, tệp khác chỉ khi có "
        "--force.",
    "The case's name; default a sentence naming the year, rules and agency.":
        "Tên tình huống; mặc định một câu nêu năm, quy định và cơ quan.",
    "Overwrite the file if it exists.": "Ghi đè nếu tệp đã có.",
    "The award id, e.g. CSTDCS.": "Mã danh hiệu, ví dụ CSTDCS.",
    "Only this khối thi đua (collectives rank within their bloc).":
        "Chỉ khối thi đua này (tập thể được xếp hạng trong khối của mình).",
    "The award voted on, e.g. CSTDCS.": "Danh hiệu được bỏ phiếu, ví dụ CSTDCS.",
    "All members of the council, present or not.": "Tổng số thành viên Hội đồng, có mặt hay vắng mặt.",
    "Votes in favour (absent members vote in writing).":
        "Số phiếu đồng ý (thành viên vắng mặt bỏ phiếu bằng văn bản).",
    "A campaign pack id.": "Mã bộ quy định phong trào.",
    "The file to write: .html or .pdf for the council's meeting packet, .xlsx for the proposal list; one written "
    "by ktrules before is replaced whole, any other file only with --force.":
        "Tệp cần ghi: .html hoặc .pdf cho tài liệu họp Hội đồng, .xlsx cho danh sách đề nghị; tệp do ktrules ghi "
        "trước đó thì được thay toàn bộ, tệp khác chỉ khi có --force.",
    "Overwrite --out even if ktrules did not write it.": "Ghi đè tệp --out kể cả khi tệp đó không do ktrules ghi.",
    "Only this award id (repeatable), e.g. CSTDCS.": "Chỉ danh hiệu có mã này (ghi được nhiều lần), ví dụ CSTDCS.",
    "Date of the decision (YYYY-MM-DD or dd/mm/yyyy): reward money uses the lương cơ sở in force then; default "
    "today.":
        "Ngày ký quyết định (YYYY-MM-DD hoặc dd/mm/yyyy): tiền thưởng tính theo mức lương cơ sở áp dụng vào ngày "
        "đó; mặc định hôm nay.",
    "List those not eligible in full in an appendix (else only their count and main reasons).":
        "Liệt kê đầy đủ những trường hợp không đủ điều kiện trong phụ lục (nếu không, chỉ ghi số lượng và lý do "
        "chính).",
    "Address to listen on; any but loopback requires a token (one is generated if not given).":
        "Địa chỉ lắng nghe; mọi địa chỉ khác loopback đều cần mã truy cập (tự sinh nếu không cho).",
    "Folder of rule packs, fixed for the server's life.":
        "Thư mục bộ quy định, cố định trong suốt thời gian máy chủ chạy.",
    "Access token every page and API call must carry (env KTRULES_TOKEN).":
        "Mã truy cập mà mọi trang và lệnh gọi API phải kèm theo (biến môi trường KTRULES_TOKEN).",
    "Largest upload or request body; larger ones are refused with 413.":
        "Dung lượng lớn nhất của tệp tải lên hoặc thân yêu cầu; lớn hơn bị từ chối với mã 413.",
    "Processes evaluating API calls; default the cores, at most 4.":
        "Số tiến trình xét các lệnh gọi API; mặc định bằng số lõi, tối đa 4.",
    "The folder to write into: new or empty (created if needed).":
        "Thư mục cần ghi vào: mới hoặc trống (tạo nếu chưa có).",
}

_PROCESSES = "Processes for CSV and JSON; default 1, or the cores for {n:,} people or more."
_PROCESSES_VI = "Số tiến trình khi ghi CSV và JSON; mặc định 1, hoặc bằng số lõi khi có từ {n} người trở lên."


def processes_help(n: int) -> str:
    """`check --jobs`'s help, naming the size from which it runs in parallel (`parallel.PARALLEL_FROM`)."""
    VI.setdefault(_PROCESSES.format(n=n), _PROCESSES_VI.format(n=short_number(n, "vi")))
    return _PROCESSES.format(n=n)


def language(args: Sequence[str], parent: click.Context | None = None) -> str:
    """The language a command line asks for with `--lang`, before click has read it (the last one given,
    as click keeps it; none after `--`), else the one given to `ktrules --lang` before the command:
    Vietnamese unless English is asked for."""
    found = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        given = arg.partition("=")[2] if arg.startswith("--lang=") else \
            args[i + 1] if arg == "--lang" and i + 1 < len(args) else None
        found = given if given in LANGS else found
    return found or (parent.params.get("lang") if parent is not None else None) or "vi"


class GivenPath(click.Path):
    """A path that may not be empty: `check ""` would otherwise read the current folder as a CSV folder,
    and `--out ""` name no file."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value.strip():
            raise EmptyValue("", ctx=ctx, param=param)
        return super().convert(value, param, ctx)


class Between(click.FloatRange):
    """A number within bounds, NaN refused: click's range lets it through, as it compares false with both."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if number != number:
            self.fail(str(value), param, ctx)
        return number


class EmptyValue(click.BadParameter):
    """A value given as an empty string."""


class Refusal(click.ClickException):
    """A command line click cannot read, said on one line in the user's language, as a KtrulesError is."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(self.message, err=True)


def _option(exc: click.ClickException) -> str:
    param = getattr(exc, "param", None)
    if param is not None:
        return param.opts[0] if isinstance(param, click.Option) else param.human_readable_name
    return getattr(exc, "option_name", None) or ""


def _allowed(param: click.Parameter | None, lang: str) -> str | None:
    """What a parameter accepts, in words."""
    kind = param.type if param is not None else None
    if isinstance(kind, click.Choice):
        return t("usage.choices", lang, choices=", ".join(map(str, kind.choices)))
    if isinstance(kind, click.IntRange | click.FloatRange) and kind.min is not None and kind.max is not None:
        return t("usage.between", lang, low=kind.min, high=kind.max)
    if isinstance(kind, click.IntRange) or kind is click.INT:
        return t("usage.integer", lang)
    if isinstance(kind, click.Path) and not (kind.file_okay and kind.dir_okay):
        return t("usage.a_folder" if kind.dir_okay else "usage.a_file", lang)
    return None


def refusal(exc: click.UsageError, command: str, lang: str) -> Refusal:
    """click's usage error as one line: what is wrong, and what to write instead."""
    see = t("usage.see_help", lang, command=command)
    if isinstance(exc, click.MissingParameter):
        what = t("usage.missing_option" if isinstance(exc.param, click.Option) else "usage.missing_argument",
                 lang, name=_metavars(_option(exc), lang))
        hint = _allowed(exc.param, lang) or see
    elif isinstance(exc, click.NoSuchOption):
        what = t("usage.no_option", lang, name=exc.option_name)
        hint = t("err.did_you_mean", lang, words=t("err.or", lang).join(f"'{p}'" for p in exc.possibilities)) \
            if exc.possibilities else see
    elif isinstance(exc, click.BadOptionUsage):  # click's two cases, told apart by its words only
        flag = "does not take a value" in exc.message
        what, hint = t("usage.no_value" if flag else "usage.needs_value", lang, name=exc.option_name), see
    elif isinstance(exc, EmptyValue):
        what = t("usage.empty", lang, name=_metavars(_option(exc), lang))
        hint = _allowed(exc.param, lang) or t("usage.a_path", lang)
    elif isinstance(exc, click.BadParameter):
        what = t("usage.bad_value", lang, name=_metavars(_option(exc), lang))
        hint = _allowed(exc.param, lang) or see
    elif exc.message.startswith("Got unexpected extra argument"):
        what, hint = t("usage.extra", lang, args=exc.message.partition("(")[2].rstrip(")")), see
    elif exc.message == "Missing command.":
        what, hint = t("usage.missing_command", lang), see
    else:
        what, hint = exc.format_message(), see
    return Refusal(t("error.prefix", lang, line=f"{what}; {hint}"))


def given_twice(params: list[click.Parameter], args: list[str]) -> tuple[str, list[str]] | None:
    """An option that takes one value, given more than once, with its values: click keeps the last without
    a word, so `--yes 7 --yes 8` counted 8 votes and `--period 2023 --period 2024` evaluated 2024. Not
    `--lang`: the last one says how to speak, anywhere on the line, and changes no result."""
    single = {name: param for param in params if isinstance(param, click.Option) and not param.multiple
              and not param.is_flag and not param.count and param.name != "lang" for name in param.opts}
    given: dict[str, list[str]] = {}
    at = 0
    while at < len(args) and args[at] != "--":
        name, equals, value = args[at].partition("=")
        param = single.get(name if equals else args[at])
        if param is not None:
            if not equals:  # the value is the next argument; none, and click says it is missing
                at += 1
                if at == len(args):
                    break
                value = args[at]
            given.setdefault(param.opts[0], []).append(value)
        at += 1
    return next(((name, values) for name, values in given.items() if len(values) > 1), None)


class Command(click.Command):
    """A command whose help is in the language asked for and whose usage errors are one line."""

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        # read before click parses the line: `--help` acts where it stands, maybe before `--lang`
        self._lang = language(args, parent)
        path = f"{parent.command_path} {info_name}" if parent else info_name or "ktrules"
        twice = None if isinstance(self, click.Group) else given_twice(self.params, args)
        if twice:
            name, values = twice
            raise Refusal(t("error.prefix", self._lang, line="{}; {}".format(
                t("usage.twice", self._lang, name=name, values=", ".join(values)),
                t("usage.twice.hint", self._lang))))
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.exceptions.NoArgsIsHelpError:
            raise  # `ktrules` alone: the help (in the language asked for), not an error
        except click.UsageError as exc:
            raise refusal(exc, path, self._lang) from None

    def _vi(self) -> bool:
        # set by `make_context` on the command itself: the help is written before any context holds it
        return getattr(self, "_lang", "vi") == "vi"

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if not self._vi():
            return super().format_usage(ctx, formatter)
        formatter.write_usage(ctx.command_path, _metavars(" ".join(self.collect_usage_pieces(ctx)), "vi"),
                              prefix="Cách dùng: ")

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        text = inspect.cleandoc((self.help or "") if not self._vi() else VI[self.name if ctx.parent else ""])
        text = text.partition("\f")[0]  # as click: what follows a form feed is not shown
        if text:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(_examples_kept(text))

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if not self._vi():
            return super().format_options(ctx, formatter)
        rows = [_vi_record(param, record) for param in self.get_params(ctx)
                if not isinstance(param, click.Argument) and (record := param.get_help_record(ctx))]
        if rows:
            with formatter.section("Tùy chọn"):
                formatter.write_dl(rows)


def _examples_kept(text: str) -> str:
    """The help with each example command kept on its own lines: click rewraps a paragraph to the terminal,
    and an example broken over two lines without a backslash fails when copied. `\\b` before a
    paragraph keeps it as written."""
    return "\n\n".join(f"\b\n{part}" if part.lstrip().startswith("ktrules ") else part
                       for part in text.split("\n\n"))


class Group(Command, click.Group):
    """The `ktrules` group: its commands are `Command`s, and an unknown one is refused on one line."""

    command_class = Command

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None,
                                                                           list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            lang = language(args, ctx)
            hint = suggest(name, self.list_commands(ctx), lang) or t("usage.see_help", lang, command=ctx.command_path)
            raise Refusal(t("error.prefix", lang, line=f"{t('usage.no_command', lang, name=name)}; {hint}"))
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:  # "Missing command.": the commands' own are refused already
            raise refusal(exc, ctx.command_path, self._lang) from None

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_options(ctx, formatter)
        if not self._vi():
            return
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(map(len, names))
        rows = [(name, _short(inspect.cleandoc(VI[name]).partition("\n\n")[0], limit)) for name in names]
        with formatter.section("Lệnh"):
            formatter.write_dl(rows)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if not self._vi():
            super().format_commands(ctx, formatter)


def _short(text: str, limit: int) -> str:
    """A command's first paragraph on one line of the list, cut between words, as click cuts English
    (click.utils.make_default_short_help, deprecated in click 8.5 and to go in 9)."""
    words = text.split()
    kept = ""
    for word in words:
        if len(kept) + len(word) + 2 > limit:
            return kept + "…"
        kept = f"{kept} {word}" if kept else word
    return kept


# click's names of values and the commands' arguments, as a Vietnamese reader is told what to write
_METAVARS_VI = {"[OPTIONS]": "[TÙY CHỌN]", "COMMAND [ARGS]...": "LỆNH [THAM SỐ]...", "INTEGER RANGE": "SỐ",
                "FLOAT RANGE": "SỐ", "INTEGER": "SỐ", "TEXT": "CHỮ", "DIRECTORY": "THƯ_MỤC", "FILE": "TỆP",
                "DATASET": "TỆP_DỮ_LIỆU", "RULES_DIR": "THƯ_MỤC_QUY_ĐỊNH", "PATHS...": "TỆP_HOẶC_THƯ_MỤC...",
                "PATH": "TỆP"}


def _metavars(text: str, lang: str) -> str:
    if lang == "vi":
        for english, vietnamese in _METAVARS_VI.items():
            text = re.sub(rf"(?<![\w-]){re.escape(english)}(?![\w-])", vietnamese, text)
    return text


def _vi_record(param: click.Parameter, record: tuple[str, str]) -> tuple[str, str]:
    """An option's line of help in Vietnamese: its own words, then click's notes (default, required)."""
    names, text = record
    own = getattr(param, "help", None) or ""
    if own and text.startswith(own):
        text = VI[own] + text[len(own):]
    return _metavars(names, "vi"), text.replace("[default: ", "[mặc định: ").replace("required]", "bắt buộc]") \
        .replace("(the project's rules/)", "(rules/ của dự án)")
