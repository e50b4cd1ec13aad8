//! ISO 8601 timestamps as TCI writes them (`2025-03-12T10:34:22.125248Z`,
//! `2025-12-08T06:41:51.890310+00:00`), to and from microseconds since the
//! Unix epoch, without a date library.

/// Microseconds since 1970-01-01T00:00:00Z, or `None` if `text` is not an
/// RFC 3339 timestamp.
pub fn parse_micros(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    let number = |range: std::ops::Range<usize>| text.get(range).and_then(digits);
    if bytes.len() < 20
        || bytes[4] != b'-'
        || bytes[7] != b'-'
        || !matches!(bytes[10], b'T' | b't' | b' ')
    {
        return None;
    }
    if bytes[13] != b':' || bytes[16] != b':' {
        return None;
    }
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = &text[19..];
    let mut micros = 0;
    if let Some(fraction) = rest.strip_prefix('.') {
        let length = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if length == 0 {
            return None;
        }
        // Microseconds: the first six digits, padded with zeros.
        let kept = length.min(6);
        micros = digits(&fraction[..kept])? * 10_i64.pow((6 - kept) as u32);
        rest = &fraction[length..];
    }
    let offset_seconds = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            if rest.len() != 6 || rest.as_bytes()[3] != b':' {
                return None;
            }
            let hours = digits(&rest[1..3])?;
            let minutes = digits(&rest[4..6])?;
            sign * (hours * 3600 + minutes * 60)
        }
    };
    let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second
        - offset_seconds;
    Some(seconds * 1_000_000 + micros)
}

/// The value of a short run of ASCII digits (nothing else, not even a
/// sign); `None` otherwise.
fn digits(text: &str) -> Option<i64> {
    if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// `2025-03-12T10:34:22.125248Z` for microseconds since the epoch.
pub fn format_micros(micros: i64) -> String {
    let seconds = micros.div_euclid(1_000_000);
    let fraction = micros.rem_euclid(1_000_000);
    let days = seconds.div_euclid(86_400);
    let of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{fraction:06}Z",
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60
    )
}

// Howard Hinnant's algorithms for the proleptic Gregorian calendar.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_offset_spellings_mean_the_same_instant() {
        let zulu = parse_micros("2025-12-08T06:41:51.890310Z").unwrap();
        let offset = parse_micros("2025-12-08T06:41:51.890310+00:00").unwrap();
        assert_eq!(zulu, offset);
        assert_eq!(zulu, 1_765_176_111_890_310);
    }

    #[test]
    fn format_and_parse_round_trip() {
        for micros in [0, 1_741_775_662_125_248, 951_782_400_000_001, -1] {
            assert_eq!(
                parse_micros(&format_micros(micros)),
                Some(micros),
                "{micros}"
            );
        }
        assert_eq!(
            format_micros(1_741_775_662_125_248),
            "2025-03-12T10:34:22.125248Z"
        );
    }

    #[test]
    fn offsets_and_short_fractions() {
        assert_eq!(parse_micros("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(parse_micros("1970-01-01T00:00:00.5Z"), Some(500_000));
        assert_eq!(parse_micros("1970-01-01T00:00:00.1234567Z"), Some(123_456));
    }

    #[test]
    fn rejects_what_is_not_a_timestamp() {
        for bad in [
            "",
            "+025-01-01T00:00:00Z",
            "2025-01-01T00:00:00+0+:00",
            "yesterday",
            "2025-13-01T00:00:00Z",
            "2025-01-01T00:00:00",
            "2025-01-01T00:00:00.Z",
            "2025-01-01T00:00:00+0000",
        ] {
            assert_eq!(parse_micros(bad), None, "{bad}");
        }
    }
}
