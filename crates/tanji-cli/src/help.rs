//! The command line in the reader's language: clap's `--help` and usage errors in 简体中文.
//!
//! English is what clap's derive makes of the doc comments in `options.rs`, untouched. For Chinese, the built
//! command tree is walked once and every command's and argument's description is replaced by its entry in
//! `tanji_i18n::cli` (the help flag, the version flag and the `help` subcommand clap adds included); clap's English
//! headings ("Usage:", "Options:") and annotations ("[default: …]", "[possible values: …]") are replaced by a help
//! template and annotations written here. A usage error is rendered from its `ErrorKind` and context as a
//! `tanji_i18n::cli::UsageError`.

use std::ffi::OsString;

use clap::builder::{Resettable, StyledStr};
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgMatches, Command, CommandFactory};
use tanji_i18n::cli::{UsageError, ValueProblem, chinese_help};
use tanji_i18n::{Language, Localize};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::options::Cli;

/// The language the command line asks for, read before clap parses it (its help must already be in that
/// language): `--lang X` or `--lang=X` anywhere, else the locale.
pub fn language_of(arguments: &[OsString]) -> Language {
    let mut explicit = None;
    let mut words = arguments.iter().skip(1).filter_map(|argument| argument.to_str());
    while let Some(word) = words.next() {
        if word == "--" {
            break;
        } else if word == "--lang" {
            explicit = words.next();
        } else if let Some(value) = word.strip_prefix("--lang=") {
            explicit = Some(value);
        }
    }
    tanji_i18n::language_from_locale(explicit, crate::options::locale().as_deref())
}

/// The `tanji` command with its help in `language`, built.
pub fn command(language: Language) -> Command {
    let mut command = Cli::command();
    command.build();
    match language {
        Language::English => command,
        Language::SimplifiedChinese => localize(command, ""),
    }
}

/// Parses the command line; help, version and usage errors are printed in `language` and end the process as clap
/// would (status 0 for help and version, 2 for a usage error).
pub fn parse(arguments: Vec<OsString>, language: Language) -> ArgMatches {
    let mut command = command(language);
    match command.try_get_matches_from_mut(&arguments) {
        Ok(matches) => matches,
        Err(error) => {
            // Errors about a value carry no usage; the usage of the subcommand the words name stands in.
            let usage = usage_of(&mut command, &arguments);
            exit_with(&error, language, &usage)
        }
    }
}

/// The usage line of the (sub)command `arguments` name, e.g. `tanji lca solve [OPTIONS] <--demand <J>|…>`.
fn usage_of(command: &mut Command, arguments: &[OsString]) -> String {
    let mut path = Vec::new();
    let mut current: &Command = command;
    for word in arguments.iter().skip(1).filter_map(|word| word.to_str()) {
        if word == "--" {
            break;
        }
        if let Some(subcommand) = current.find_subcommand(word).filter(|_| word != "help") {
            path.push(word.to_owned());
            current = subcommand;
        }
    }
    let mut named = command;
    for name in &path {
        named = named.find_subcommand_mut(name).expect("found above");
    }
    named.render_usage().to_string()
}

/// Prints `error` for a person in `language` and exits with clap's status for it; `usage` is the usage line to
/// show when the error has none of its own.
pub fn exit_with(error: &clap::Error, language: Language, usage: &str) -> ! {
    let displays_help = matches!(
        error.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
    if language == Language::SimplifiedChinese && displays_help && error.kind() != ErrorKind::DisplayVersion {
        // clap breaks lines only at spaces, which Chinese text has few of; the Chinese tree is laid out unwrapped
        // (`term_width(0)`) and wrapped here by display width.
        let text = wrap_at_display_width(&error.render().to_string(), help_width());
        let written = if error.use_stderr() {
            std::io::Write::write_all(&mut std::io::stderr().lock(), text.as_bytes())
        } else {
            std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes())
        };
        // A closed pipe (`tanji --help | head`) is not an error of the help.
        drop(written);
        std::process::exit(error.exit_code());
    }
    if language == Language::English || displays_help {
        // The help shown is the localized command's own.
        error.exit();
    }
    eprintln!("{}", usage_error_text(error, language, usage));
    std::process::exit(error.exit_code());
}

/// A usage error as the lines a person reads: "错误：…", the usage and where to read more.
pub fn usage_error_text(error: &clap::Error, language: Language, fallback_usage: &str) -> String {
    let message = usage_error(error).localize(language);
    let usage = match error.get(ContextKind::Usage) {
        Some(ContextValue::StyledStr(usage)) => usage.to_string(),
        _ => fallback_usage.to_owned(),
    };
    let usage = usage.trim().trim_start_matches("Usage:").trim().to_owned();
    // The command is the usage's leading words, before its first option or placeholder.
    let command_words: Vec<&str> =
        usage.split_whitespace().take_while(|word| !word.starts_with(['[', '<', '-'])).collect();
    let command = if command_words.is_empty() { "tanji".to_owned() } else { command_words.join(" ") };
    let error_word = tanji_i18n::text!(language, zh: "错误：", en: "error: ");
    let footer = tanji_i18n::cli::usage_footer(&usage, &command, language);
    format!("{error_word}{message}\n\n{footer}")
}

/// What clap's error says, as a message value.
fn usage_error(error: &clap::Error) -> UsageError {
    let string = |kind: ContextKind| match error.get(kind) {
        Some(ContextValue::String(text)) => Some(text.clone()),
        Some(ContextValue::Strings(texts)) => texts.first().cloned(),
        Some(ContextValue::StyledStr(text)) => Some(text.to_string()),
        _ => None,
    };
    let strings = |kind: ContextKind| match error.get(kind) {
        Some(ContextValue::Strings(texts)) => texts.clone(),
        Some(ContextValue::String(text)) => vec![text.clone()],
        Some(ContextValue::StyledStrs(texts)) => texts.iter().map(ToString::to_string).collect(),
        _ => Vec::new(),
    };
    let argument = || string(ContextKind::InvalidArg).unwrap_or_default();
    match error.kind() {
        ErrorKind::UnknownArgument => UsageError::UnknownArgument {
            argument: argument(),
            suggestion: string(ContextKind::SuggestedArg).or_else(|| string(ContextKind::SuggestedSubcommand)),
        },
        ErrorKind::InvalidSubcommand => UsageError::UnknownSubcommand {
            subcommand: string(ContextKind::InvalidSubcommand).unwrap_or_default(),
            suggestion: string(ContextKind::SuggestedSubcommand),
        },
        ErrorKind::InvalidValue if error.get(ContextKind::ValidValue).is_some() => UsageError::NotAChoice {
            argument: argument(),
            value: string(ContextKind::InvalidValue).unwrap_or_default(),
            choices: strings(ContextKind::ValidValue),
            suggestion: string(ContextKind::SuggestedValue),
        },
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => UsageError::InvalidValue {
            argument: argument(),
            value: string(ContextKind::InvalidValue).unwrap_or_default(),
            problem: value_problem(error),
        },
        ErrorKind::MissingRequiredArgument => {
            UsageError::MissingArguments { arguments: strings(ContextKind::InvalidArg) }
        }
        ErrorKind::MissingSubcommand => {
            UsageError::MissingSubcommand { command: string(ContextKind::InvalidSubcommand).unwrap_or_default() }
        }
        ErrorKind::ArgumentConflict => {
            UsageError::Conflict { argument: argument(), other: string(ContextKind::PriorArg) }
        }
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => UsageError::TooManyValues { argument: argument() },
        ErrorKind::TooFewValues => UsageError::TooFewValues { argument: argument() },
        ErrorKind::NoEquals => UsageError::NeedsEquals { argument: argument() },
        ErrorKind::InvalidUtf8 => UsageError::NotUtf8,
        _ => UsageError::Other { detail: error.kind().to_string() },
    }
}

/// Why a value parser refused a value, from the error it returned.
fn value_problem(error: &clap::Error) -> ValueProblem {
    use std::num::IntErrorKind;
    let Some(source) = std::error::Error::source(error) else {
        return ValueProblem::Unknown;
    };
    if let Some(integer) = source.downcast_ref::<std::num::ParseIntError>() {
        return match integer.kind() {
            IntErrorKind::Zero => ValueProblem::Zero,
            IntErrorKind::PosOverflow | IntErrorKind::NegOverflow => ValueProblem::OutOfRange,
            _ => ValueProblem::NotAWholeNumber,
        };
    }
    if source.is::<std::num::ParseFloatError>() {
        return ValueProblem::NotANumber;
    }
    if source.is::<std::net::AddrParseError>() {
        return ValueProblem::NotAnAddress;
    }
    if let Some(refused) = source.downcast_ref::<crate::options::ValueRefused>() {
        return refused.problem(Language::SimplifiedChinese);
    }
    ValueProblem::Unknown
}

/// `command` (at `path` below `tanji`) and everything under it with Chinese descriptions, headings and
/// annotations.
fn localize(command: Command, path: &str) -> Command {
    let about = chinese_help(path, None);
    let (short, long) = split_paragraphs(about);
    let sections = command_sections(&command);
    let mut command = command
        .term_width(0)
        .about(styled(short))
        .long_about(styled(long))
        .help_template(template(&sections))
        .mut_args(|argument| localize_argument(argument, path));
    let child_path = |name: &str| if path.is_empty() { name.to_owned() } else { format!("{path} {name}") };
    command = command.mut_subcommands(|subcommand| {
        let name = subcommand.get_name().to_owned();
        if name == "help" {
            // clap's `help` subcommand: its own text, and the copies of the tree it holds for completion.
            let (short, _) = split_paragraphs(chinese_help("help", None));
            return subcommand
                .about(styled(short))
                .mut_args(|argument| localize_argument(argument, "help"))
                .mut_subcommands(|copy| {
                    let copy_path = child_path(copy.get_name());
                    let (short, _) = split_paragraphs(chinese_help(&copy_path, None));
                    copy.about(styled(short)).long_about(None::<&str>)
                });
        }
        localize(subcommand, &child_path(&name))
    });
    command
}

/// A text to set, or `None` to clear clap's English one.
fn styled(text: Option<String>) -> Resettable<StyledStr> {
    Resettable::from(text.map(StyledStr::from))
}

/// Which sections a command's help has: subcommands, positional arguments, options.
fn command_sections(command: &Command) -> (bool, bool, bool) {
    let visible = |argument: &&Arg| !argument.is_hide_set();
    (
        command.has_subcommands(),
        command.get_positionals().any(|argument| visible(&argument)),
        command.get_arguments().filter(|argument| !argument.is_positional()).any(|argument| visible(&argument)),
    )
}

/// The help layout with Chinese headings, only for the sections the command has.
fn template((subcommands, positionals, options): &(bool, bool, bool)) -> String {
    let mut template = String::from("{about-with-newline}\n用法：{usage}\n");
    if *subcommands {
        template.push_str("\n命令：\n{subcommands}\n");
    }
    if *positionals {
        template.push_str("\n参数：\n{positionals}\n");
    }
    if *options {
        template.push_str("\n选项：\n{options}\n");
    }
    template.push_str("{after-help}");
    template
}

/// An argument with its Chinese help, and its default, choices and environment variable said in Chinese.
fn localize_argument(argument: Arg, path: &str) -> Arg {
    let key = match argument.get_long() {
        Some(long) => format!("--{long}"),
        None => format!("<{}>", argument.get_id()),
    };
    // A global option (`--lang`) is copied into every subcommand; its text is the root's.
    let place = if argument.is_global_set() { "" } else { path };
    let Some(chinese) = chinese_help(place, Some(&key)) else {
        return argument;
    };
    let mut annotations = Vec::new();
    let defaults: Vec<String> =
        argument.get_default_values().iter().map(|value| value.to_string_lossy().into_owned()).collect();
    if !defaults.is_empty() && !argument.is_hide_default_value_set() && !is_flag(&argument) {
        annotations.push(format!("[默认值：{}]", defaults.join("、")));
    }
    let choices: Vec<String> = argument
        .get_possible_values()
        .iter()
        .filter(|value| !value.is_hide_set())
        .map(|value| value.get_name().to_owned())
        .collect();
    if !choices.is_empty() && !argument.is_hide_possible_values_set() && !is_flag(&argument) {
        annotations.push(format!("[可选值：{}]", choices.join("、")));
    }
    if let Some(variable) = argument.get_env()
        && !argument.is_hide_env_set()
    {
        annotations.push(format!("[环境变量：{}]", variable.to_string_lossy()));
    }
    let (short, long) = split_paragraphs(Some(chinese));
    let with_annotations = |text: &str| {
        if annotations.is_empty() { text.to_owned() } else { format!("{text} {}", annotations.join(" ")) }
    };
    let short = short.as_deref().map(with_annotations);
    let long = long.as_deref().map(with_annotations);
    argument
        .help(styled(short))
        .long_help(styled(long))
        .hide_default_value(true)
        .hide_possible_values(true)
        .hide_env(true)
}

/// The width help is wrapped to: the terminal's, else `COLUMNS`, else 100 columns (as clap does), at most 100.
fn help_width() -> usize {
    let terminal = terminal_size::terminal_size().map(|(width, _)| usize::from(width.0));
    let columns = || std::env::var("COLUMNS").ok().and_then(|columns| columns.trim().parse::<usize>().ok());
    terminal.or_else(columns).unwrap_or(100).min(100)
}

/// `text` with every line wider than `width` columns broken by display width (a Chinese character is two columns),
/// as clap would break English at spaces: a line of the option and command lists continues under its description's
/// column (after the first run of two or more spaces), any other line under its own indentation. Chinese text
/// breaks between any two characters, except before closing punctuation (，。）…) and after opening punctuation
/// (（“…); Latin words, codes and `--options` are never split.
pub fn wrap_at_display_width(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for line in text.split_inclusive('\n') {
        let (line, newline) = match line.strip_suffix('\n') {
            Some(line) => (line, "\n"),
            None => (line, ""),
        };
        if UnicodeWidthStr::width(line) <= width {
            out.push_str(line);
            out.push_str(newline);
            continue;
        }
        let column_byte = description_column(line);
        let (lead, rest) = line.split_at(column_byte);
        let indent = UnicodeWidthStr::width(lead);
        // A column so far right that little room is left: continue under the line's own indentation instead.
        let (lead, rest, indent) = if width.saturating_sub(indent) < 24 {
            let own = line.len() - line.trim_start().len();
            (&line[..own], &line[own..], own)
        } else {
            (lead, rest, indent)
        };
        let available = width.saturating_sub(indent).max(1);
        for (line_idx, piece) in break_by_width(rest, available).iter().enumerate() {
            if line_idx == 0 {
                out.push_str(lead);
            } else {
                out.push('\n');
                out.push_str(&" ".repeat(indent));
            }
            out.push_str(piece);
        }
        out.push_str(newline);
    }
    out
}

/// The byte offset where a help line's description starts: after the first run of two or more spaces that follows
/// the line's first word (`  -d, --database <URL>  数据库…`), else after the line's indentation.
fn description_column(line: &str) -> usize {
    let indentation = line.len() - line.trim_start().len();
    let body = &line[indentation..];
    match body.find("  ") {
        Some(gap) => {
            let after_gap = &body[gap..];
            indentation + gap + (after_gap.len() - after_gap.trim_start().len())
        }
        None => indentation,
    }
}

/// `text` in pieces of at most `available` columns (a single unbreakable word wider than that stays whole).
fn break_by_width(text: &str, available: usize) -> Vec<String> {
    const NO_BREAK_BEFORE: &str = "，。、；：？！）》」』”’…%,.;:?!)]";
    const NO_BREAK_AFTER: &str = "（《「『“‘([";
    // Units that are never split: a run of Latin letters, digits and symbols, or one wide character; each knows
    // whether a space came before it.
    let mut units: Vec<(bool, String)> = Vec::new();
    let mut space_before = false;
    let mut glue_next = false;
    for character in text.chars() {
        if character == ' ' {
            space_before = true;
            glue_next = false;
            continue;
        }
        let wide = UnicodeWidthChar::width(character).unwrap_or(0) >= 2;
        let continues_word = !space_before
            && units.last().is_some_and(|(_, unit)| {
                let last = unit.chars().last().unwrap_or(' ');
                glue_next
                    || NO_BREAK_BEFORE.contains(character)
                    || (!wide && UnicodeWidthChar::width(last).unwrap_or(0) < 2)
            });
        if continues_word {
            if let Some((_, unit)) = units.last_mut() {
                unit.push(character);
            }
        } else {
            units.push((space_before, character.to_string()));
        }
        glue_next = NO_BREAK_AFTER.contains(character);
        space_before = false;
    }
    let mut pieces: Vec<String> = Vec::new();
    let mut current = String::new();
    for (space_before, unit) in units {
        let unit_width = UnicodeWidthStr::width(unit.as_str());
        let with_space = usize::from(space_before && !current.is_empty()) + unit_width;
        if !current.is_empty() && UnicodeWidthStr::width(current.as_str()) + with_space > available {
            pieces.push(std::mem::take(&mut current));
        } else if space_before && !current.is_empty() {
            current.push(' ');
        }
        current.push_str(&unit);
    }
    pieces.push(current);
    pieces
}

/// A switch (`--reset`): clap gives it the possible values `true`/`false`, which people never type.
fn is_flag(argument: &Arg) -> bool {
    !argument.get_action().takes_values()
}

/// The first paragraph of `text`, and all of it when there is more than one (the long help).
fn split_paragraphs(text: Option<&str>) -> (Option<String>, Option<String>) {
    let Some(text) = text else {
        return (None, None);
    };
    match text.split_once("\n\n") {
        Some((first, _)) => (Some(first.to_owned()), Some(text.to_owned())),
        None => (Some(text.to_owned()), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command and visible argument in the tree, as `(path, argument key or None)`.
    fn places(command: &Command, path: &str, out: &mut Vec<(String, Option<String>)>) {
        out.push((path.to_owned(), None));
        for argument in command.get_arguments().filter(|argument| !argument.is_hide_set()) {
            let key = match argument.get_long() {
                Some(long) => format!("--{long}"),
                None => format!("<{}>", argument.get_id()),
            };
            let place = if argument.is_global_set() { "" } else { path };
            out.push((place.to_owned(), Some(key)));
        }
        for subcommand in command.get_subcommands().filter(|subcommand| !subcommand.is_hide_set()) {
            let name = subcommand.get_name();
            if name == "help" && !path.is_empty() {
                continue;
            }
            let child = if path.is_empty() { name.to_owned() } else { format!("{path} {name}") };
            if name == "help" {
                out.push((child.clone(), None));
                for argument in subcommand.get_arguments() {
                    out.push((child.clone(), Some(format!("<{}>", argument.get_id()))));
                }
                continue;
            }
            places(subcommand, &child, out);
        }
    }

    #[test]
    fn every_command_and_argument_has_a_chinese_text() {
        let command = command(Language::English);
        let mut all = Vec::new();
        places(&command, "", &mut all);
        let missing: Vec<String> = all
            .iter()
            .filter(|(path, argument)| chinese_help(path, argument.as_deref()).is_none())
            .map(|(path, argument)| format!("{path} {}", argument.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(missing, Vec::<String>::new(), "add these to tanji_i18n::cli::CHINESE_HELP");
    }

    #[test]
    fn every_chinese_text_belongs_to_a_command_or_argument() {
        let command = command(Language::English);
        let mut all = Vec::new();
        places(&command, "", &mut all);
        // A shared entry (`lca --technosphere`, `--database`) is used when some place below it looks it up.
        let used = |key: &str| {
            all.iter().any(|(path, argument)| match argument {
                None => path == key,
                Some(argument) => {
                    let mut place = path.as_str();
                    loop {
                        let candidate = if place.is_empty() { argument.clone() } else { format!("{place} {argument}") };
                        if tanji_i18n::cli::CHINESE_HELP.iter().any(|(entry, _)| *entry == candidate) {
                            break candidate == key;
                        }
                        if place.is_empty() {
                            break false;
                        }
                        place = place.rsplit_once(' ').map_or("", |(parent, _)| parent);
                    }
                }
            })
        };
        let unused: Vec<&str> =
            tanji_i18n::cli::CHINESE_HELP.iter().map(|(key, _)| *key).filter(|key| !used(key)).collect();
        assert_eq!(unused, Vec::<&str>::new(), "these entries name nothing in the command tree");
    }

    #[test]
    fn the_language_is_read_before_parsing() {
        let arguments = |words: &[&str]| words.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(language_of(&arguments(&["tanji", "--lang", "zh-CN", "--help"])), Language::SimplifiedChinese);
        assert_eq!(language_of(&arguments(&["tanji", "org", "--lang=en", "list"])), Language::English);
        assert_eq!(language_of(&arguments(&["tanji", "--", "--lang", "zh"])), language_of(&arguments(&["tanji"])));
    }

    #[test]
    fn chinese_help_wraps_at_display_width_under_its_description_column() {
        let line = "  -d, --database <URL>  数据库 URL：`sqlite://路径` 或 `postgres://用户@主机:端口/数据库`。默认：数据目录中的 SQLite 文件 tanji.sqlite（不存在时创建），也可以用环境变量给出";
        let wrapped = wrap_at_display_width(&format!("{line}\n"), 60);
        let lines: Vec<&str> = wrapped.lines().collect();
        assert!(lines.len() > 2, "{wrapped}");
        for wrapped_line in &lines {
            assert!(UnicodeWidthStr::width(*wrapped_line) <= 60, "wider than 60 columns: {wrapped_line:?}");
        }
        let column = UnicodeWidthStr::width("  -d, --database <URL>  ");
        for continuation in &lines[1..] {
            assert_eq!(continuation.len() - continuation.trim_start().len(), column, "{wrapped}");
            assert!(
                !continuation.trim_start().starts_with(['，', '。', '）', '：']),
                "punctuation opens a line: {wrapped}"
            );
        }
        // Nothing is lost or split: the words are the same once the breaks are taken out.
        let joined: String = lines.iter().map(|line| line.trim()).collect::<Vec<_>>().join("");
        assert_eq!(joined.replace(' ', ""), line.trim().replace(' ', ""));
        for word in ["`sqlite://", "tanji.sqlite", "--database"] {
            assert!(lines.iter().any(|line| line.contains(word)), "{word} is split: {wrapped}");
        }
        // A line that fits is left alone, and so is the text's ending.
        assert_eq!(wrap_at_display_width("用法：tanji serve\n", 60), "用法：tanji serve\n");
    }

    #[test]
    fn the_chinese_tree_is_still_well_formed() {
        command(Language::SimplifiedChinese).debug_assert();
    }
}
