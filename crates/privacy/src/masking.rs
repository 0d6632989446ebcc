//! Masks for showing personal data to a caller who may not see it in clear.
//! Every function counts characters, not bytes, and never shows the whole
//! value: a value too short to keep both ends is masked entirely.

/// The character that replaces hidden characters.
pub const MASK: char = '*';

/// Keeps the first `keep_start` and last `keep_end` characters, masking each
/// one between. When nothing would be hidden, masks every character.
pub fn mask_middle(value: &str, keep_start: usize, keep_end: usize) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= keep_start + keep_end {
        return MASK.to_string().repeat(chars.len());
    }
    let hidden = chars.len() - keep_start - keep_end;
    chars[..keep_start]
        .iter()
        .copied()
        .chain(std::iter::repeat_n(MASK, hidden))
        .chain(chars[chars.len() - keep_end..].iter().copied())
        .collect()
}

/// A resident ID number keeps its region (first 6) and last 4:
/// `110105********002X`.
pub fn mask_id_number(id_number: &str) -> String {
    mask_middle(id_number, 6, 4)
}

/// A phone number keeps its first 3 and last 4: `138****5678`.
pub fn mask_phone(phone: &str) -> String {
    mask_middle(phone, 3, 4)
}

/// Two-character surnames (复姓) kept whole, as `欧阳**`.
const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文",
    "司徒", "夏侯", "轩辕", "端木", "独孤", "南宫", "西门", "百里", "呼延", "澹台", "公冶", "太史",
    "申屠", "闻人", "钟离", "宗政", "濮阳", "淳于", "单于", "赫连", "拓跋", "万俟", "第五", "东郭",
];

/// A name keeps its surname and masks the given name, one mask per character:
/// `张三` -> `张*`, `欧阳娜娜` -> `欧阳**`. The surname is the first character,
/// or a known compound surname followed by a given name; a one-character
/// name is masked entirely. Surrounding whitespace is dropped.
pub fn mask_name(name: &str) -> String {
    let name = name.trim();
    let surname_len = COMPOUND_SURNAMES
        .iter()
        .find(|surname| name.starts_with(*surname) && name.chars().count() > 2)
        .map_or(1, |_| 2);
    mask_middle(name, surname_len, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_numbers_keep_region_and_last_four() {
        assert_eq!(mask_id_number("11010519491231002X"), "110105********002X");
        assert_eq!(mask_id_number("110105491231002"), "110105*****1002");
    }

    #[test]
    fn phones_keep_prefix_and_last_four() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
    }

    #[test]
    fn names_keep_the_surname() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("张三丰"), "张**");
        assert_eq!(mask_name("欧阳娜娜"), "欧阳**");
        assert_eq!(mask_name("欧阳锋"), "欧阳*");
        assert_eq!(mask_name("欧阳"), "欧*");
        assert_eq!(mask_name(" John Smith "), "J*********");
    }

    #[test]
    fn short_values_are_masked_entirely() {
        assert_eq!(mask_name("张"), "*");
        assert_eq!(mask_phone("1234567"), "*******");
        assert_eq!(mask_id_number(""), "");
    }
}
