//! The category catalogue a district accepts, with Chinese names.
//!
//! The shipped catalogue is ILLUSTRATIVE: the major classes follow the
//! domain notes (GB/T 30428 has the full, authoritative list), the minor
//! codes and names are a small sample and their numbering is ours (check
//! against the standard before relying on a code). Districts configure their
//! own; a catalogue is valid by construction (two-digit codes, no duplicate,
//! no empty name).

use super::category::{CaseCategory, CategoryKind, parse_code};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinorClass {
    pub minor: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MajorClass {
    pub kind: CategoryKind,
    pub major: String,
    pub name: String,
    pub minors: Vec<MinorClass>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<MajorClass>", into = "Vec<MajorClass>")]
pub struct CategoryCatalogue {
    classes: Vec<MajorClass>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    #[error("catalogue code {0:?} must be two ascii digits")]
    BadCode(String),
    #[error("category {0} appears twice in the catalogue")]
    Duplicate(String),
    #[error("category {0} has an empty name")]
    EmptyName(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogueErrorKind {
    BadCode,
    Duplicate,
    EmptyName,
}

impl CatalogueError {
    pub fn kind(&self) -> CatalogueErrorKind {
        match self {
            Self::BadCode(_) => CatalogueErrorKind::BadCode,
            Self::Duplicate(_) => CatalogueErrorKind::Duplicate,
            Self::EmptyName(_) => CatalogueErrorKind::EmptyName,
        }
    }
}

type Sample = (
    CategoryKind,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

const ILLUSTRATIVE: &[Sample] = &[
    (
        CategoryKind::Component,
        "01",
        "公用设施",
        &[("01", "上水井盖"), ("02", "污水井盖"), ("03", "路灯")],
    ),
    (
        CategoryKind::Component,
        "02",
        "道路交通",
        &[("01", "公交站亭"), ("02", "交通标志牌"), ("03", "隔离护栏")],
    ),
    (
        CategoryKind::Component,
        "03",
        "市容环境",
        &[("01", "公共厕所"), ("02", "垃圾箱"), ("03", "果皮箱")],
    ),
    (
        CategoryKind::Component,
        "04",
        "园林绿化",
        &[("01", "古树名木"), ("02", "行道树"), ("03", "绿地")],
    ),
    (
        CategoryKind::Component,
        "05",
        "房屋土地",
        &[("01", "宣传栏"), ("02", "人防工事")],
    ),
    (
        CategoryKind::Component,
        "06",
        "其他设施",
        &[("01", "健身设施"), ("02", "监控电子眼")],
    ),
    (
        CategoryKind::Event,
        "01",
        "市容环境",
        &[
            ("01", "暴露垃圾"),
            ("02", "积存垃圾渣土"),
            ("03", "道路不洁"),
        ],
    ),
    (
        CategoryKind::Event,
        "02",
        "宣传广告",
        &[("01", "非法小广告"), ("02", "违章张贴悬挂广告牌匾")],
    ),
    (
        CategoryKind::Event,
        "03",
        "施工管理",
        &[("01", "施工扰民"), ("02", "施工占道"), ("03", "道路破损")],
    ),
    (
        CategoryKind::Event,
        "04",
        "街面秩序",
        &[
            ("01", "无照经营游商"),
            ("02", "占道经营"),
            ("03", "机动车乱停放"),
        ],
    ),
    (
        CategoryKind::Event,
        "05",
        "突发事件",
        &[
            ("01", "路面塌陷"),
            ("02", "自来水管破裂"),
            ("03", "燃气管道破裂"),
        ],
    ),
    (CategoryKind::Event, "06", "其他事件", &[("01", "其他")]),
];

impl CategoryCatalogue {
    pub fn from_classes(classes: Vec<MajorClass>) -> Result<Self, CatalogueError> {
        let mut seen = BTreeSet::new();
        for class in &classes {
            parse_code(&class.major).map_err(|_| CatalogueError::BadCode(class.major.clone()))?;
            let major_label = format!("{}/{}", class.kind.as_str(), class.major);
            if class.name.trim().is_empty() {
                return Err(CatalogueError::EmptyName(major_label));
            }
            if !seen.insert(major_label.clone()) {
                return Err(CatalogueError::Duplicate(major_label));
            }
            for minor in &class.minors {
                parse_code(&minor.minor)
                    .map_err(|_| CatalogueError::BadCode(minor.minor.clone()))?;
                let label = format!("{major_label}/{}", minor.minor);
                if minor.name.trim().is_empty() {
                    return Err(CatalogueError::EmptyName(label));
                }
                if !seen.insert(label.clone()) {
                    return Err(CatalogueError::Duplicate(label));
                }
            }
        }
        Ok(Self { classes })
    }

    /// The sample catalogue described in the module docs.
    pub fn illustrative() -> Self {
        let classes = ILLUSTRATIVE
            .iter()
            .map(|(kind, major, name, minors)| MajorClass {
                kind: *kind,
                major: (*major).to_owned(),
                name: (*name).to_owned(),
                minors: minors
                    .iter()
                    .map(|(minor, name)| MinorClass {
                        minor: (*minor).to_owned(),
                        name: (*name).to_owned(),
                    })
                    .collect(),
            })
            .collect();
        Self { classes }
    }

    pub fn classes(&self) -> &[MajorClass] {
        &self.classes
    }

    /// `(major name, minor name)` of a category the catalogue lists.
    pub fn names_of(&self, category: &CaseCategory) -> Option<(&str, &str)> {
        let class = self
            .classes
            .iter()
            .find(|class| class.kind == category.kind() && class.major == category.major())?;
        let minor = class
            .minors
            .iter()
            .find(|minor| minor.minor == category.minor())?;
        Some((&class.name, &minor.name))
    }

    pub fn contains(&self, category: &CaseCategory) -> bool {
        self.names_of(category).is_some()
    }

    /// Every listed category, in catalogue order (e.g. an Open311 service list).
    pub fn categories(&self) -> Vec<CaseCategory> {
        self.classes
            .iter()
            .flat_map(|class| {
                class.minors.iter().filter_map(|minor| {
                    CaseCategory::new(class.kind, &class.major, &minor.minor).ok()
                })
            })
            .collect()
    }
}

impl Default for CategoryCatalogue {
    fn default() -> Self {
        Self::illustrative()
    }
}

impl TryFrom<Vec<MajorClass>> for CategoryCatalogue {
    type Error = CatalogueError;

    fn try_from(classes: Vec<MajorClass>) -> Result<Self, Self::Error> {
        Self::from_classes(classes)
    }
}

impl From<CategoryCatalogue> for Vec<MajorClass> {
    fn from(catalogue: CategoryCatalogue) -> Self {
        catalogue.classes
    }
}
