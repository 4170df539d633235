//! The numbers of a Chinese text's units: 第十二条's 十二, （三）'s 三, 1. and （1）, in Chinese
//! numerals (一…九千九百九十九, 零/〇, 两) or in Arabic digits, half- or full-width.

/// The value of a numeral written in Chinese or Arabic digits; `None` when `s` is not one
/// (empty, mixed, or beyond a few thousand, which no unit of a text reaches).
pub fn value(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    if s.chars().all(|c| arabic(c).is_some()) {
        if s.chars().count() > 5 {
            return None;
        }
        return Some(s.chars().filter_map(arabic).fold(0, |n, d| n * 10 + d));
    }
    chinese(s)
}

/// A digit 0–9, half- or full-width.
pub fn arabic(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

/// Whether `c` can be part of a Chinese numeral.
pub fn is_chinese_digit(c: char) -> bool {
    digit(c).is_some() || unit(c).is_some()
}

fn digit(c: char) -> Option<u32> {
    Some(match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn unit(c: char) -> Option<u32> {
    match c {
        '十' => Some(10),
        '百' => Some(100),
        '千' => Some(1000),
        _ => None,
    }
}

/// 十二 = 12, 一百零五 = 105, 百 = 100, 二〇 = 20 (digit by digit when there is no unit).
fn chinese(s: &str) -> Option<u32> {
    if s.chars().count() > 8 || !s.chars().all(is_chinese_digit) {
        return None;
    }
    if !s.chars().any(|c| unit(c).is_some()) {
        // Digit by digit, as in 二〇二六; a lone 零 is not a unit's number.
        let n = s.chars().filter_map(digit).fold(0, |n, d| n * 10 + d);
        return (n > 0).then_some(n);
    }
    let (mut total, mut pending, mut last_unit) = (0u32, None::<u32>, u32::MAX);
    for c in s.chars() {
        if let Some(d) = digit(c) {
            if pending.is_some() && d != 0 {
                return None; // two digits in a row: 二三十
            }
            pending = (d != 0).then_some(d);
        } else if let Some(u) = unit(c) {
            if u >= last_unit {
                return None; // 十百, 百百
            }
            total += pending.take().unwrap_or(1) * u;
            last_unit = u;
        }
    }
    let n = total + pending.unwrap_or(0);
    (n > 0).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numerals_of_real_articles() {
        for (s, n) in [
            ("一", 1),
            ("十", 10),
            ("十二", 12),
            ("二十", 20),
            ("二十三", 23),
            ("九十九", 99),
            ("一百", 100),
            ("百", 100),
            ("一百零五", 105),
            ("一百一十", 110),
            ("一百二十三", 123),
            ("两百", 200),
            ("一千零一", 1001),
            ("二〇", 20),
        ] {
            assert_eq!(value(s), Some(n), "{s}");
        }
    }

    #[test]
    fn arabic_numerals_half_and_full_width() {
        assert_eq!(value("1"), Some(1));
        assert_eq!(value("12"), Some(12));
        assert_eq!(value("１２"), Some(12));
    }

    #[test]
    fn what_is_not_a_numeral() {
        for s in ["", "零", "十十", "二三十", "百千", "1二", "abc", "条", "123456"] {
            assert_eq!(value(s), None, "{s}");
        }
    }
}
