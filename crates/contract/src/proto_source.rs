//! Self-contained `.proto` text for one event message: the message and every
//! message or enum it uses, with their leading comments, rendered from the
//! compiled descriptors. AsyncAPI's protobuf schema format takes the schema
//! inline and cannot follow imports, so each payload carries its closure.

use crate::ContractError;
use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::{
    DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto,
    FileDescriptorSet,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Where a top-level type lives: its file and its index path inside it.
#[derive(Clone)]
enum TopLevel<'a> {
    Message(&'a FileDescriptorProto, usize, &'a DescriptorProto),
    Enum(&'a FileDescriptorProto, usize, &'a EnumDescriptorProto),
}

/// Every top-level type of the set by full name (`.pkg.Name`).
pub struct Catalog<'a> {
    top_level: BTreeMap<String, TopLevel<'a>>,
    comments: HashMap<(&'a str, Vec<i32>), String>,
}

impl<'a> Catalog<'a> {
    pub fn new(set: &'a FileDescriptorSet) -> Self {
        let mut top_level = BTreeMap::new();
        let mut comments = HashMap::new();
        for file in &set.file {
            let package = file.package();
            for (i, message) in file.message_type.iter().enumerate() {
                let name = format!(".{package}.{}", message.name());
                top_level.insert(name, TopLevel::Message(file, i, message));
            }
            for (i, enumeration) in file.enum_type.iter().enumerate() {
                let name = format!(".{package}.{}", enumeration.name());
                top_level.insert(name, TopLevel::Enum(file, i, enumeration));
            }
            for location in file.source_code_info.iter().flat_map(|info| &info.location) {
                if let Some(comment) = location.leading_comments.as_deref() {
                    comments.insert((file.name(), location.path.clone()), comment.to_owned());
                }
            }
        }
        Self {
            top_level,
            comments,
        }
    }

    /// The leading comment of the top-level message `full_name`.
    pub fn message_comment(&self, full_name: &str) -> Option<String> {
        match self.top_level.get(full_name)? {
            TopLevel::Message(file, i, _) => self.comment(file, &[4, to_i32(*i)]),
            TopLevel::Enum(..) => None,
        }
    }

    /// The proto source of `full_name` (a top-level message) and everything
    /// it references, the message first.
    pub fn render(&self, full_name: &str) -> Result<String, ContractError> {
        let mut order = vec![full_name.to_owned()];
        let mut seen: BTreeSet<String> = order.iter().cloned().collect();
        let mut next = 0;
        while let Some(name) = order.get(next).cloned() {
            next += 1;
            let top = self.lookup(&name)?;
            if let TopLevel::Message(_, _, message) = top {
                for used in referenced(message) {
                    let owner = self.top_level_owner(&used)?;
                    if seen.insert(owner.clone()) {
                        order.push(owner);
                    }
                }
            }
        }
        let mut short_names = BTreeSet::new();
        let mut out = String::from("syntax = \"proto3\";\n");
        for name in &order {
            let short = short_name(name);
            if !short_names.insert(short.to_owned()) {
                return Err(ContractError::Unsupported(format!(
                    "{full_name} uses two types named {short}"
                )));
            }
            out.push('\n');
            match self.lookup(name)? {
                TopLevel::Message(file, i, message) => {
                    self.message(&mut out, file, &[4, to_i32(i)], message, 0)?;
                }
                TopLevel::Enum(file, i, enumeration) => {
                    self.enumeration(&mut out, file, &[5, to_i32(i)], enumeration, 0);
                }
            }
        }
        Ok(out)
    }

    fn lookup(&self, name: &str) -> Result<TopLevel<'a>, ContractError> {
        self.top_level
            .get(name)
            .cloned()
            .ok_or_else(|| ContractError::Unsupported(format!("type {name} is not in the set")))
    }

    /// `.pkg.Outer.Inner` belongs to the top-level `.pkg.Outer`.
    fn top_level_owner(&self, name: &str) -> Result<String, ContractError> {
        let mut candidate = name;
        loop {
            if self.top_level.contains_key(candidate) {
                return Ok(candidate.to_owned());
            }
            match candidate.rfind('.') {
                Some(cut) if cut > 0 => candidate = &candidate[..cut],
                _ => {
                    return Err(ContractError::Unsupported(format!(
                        "type {name} is not in the set"
                    )));
                }
            }
        }
    }

    fn comment(&self, file: &FileDescriptorProto, path: &[i32]) -> Option<String> {
        self.comments
            .get(&(file.name(), path.to_vec()))
            .map(|c| c.trim_end().to_owned())
            .filter(|c| !c.trim().is_empty())
    }

    fn write_comment(&self, out: &mut String, file: &FileDescriptorProto, path: &[i32], pad: &str) {
        if let Some(comment) = self.comment(file, path) {
            for line in comment.lines() {
                let line = line.trim_end();
                if line.is_empty() {
                    out.push_str(&format!("{pad}//\n"));
                } else {
                    out.push_str(&format!("{pad}//{line}\n"));
                }
            }
        }
    }

    fn message(
        &self,
        out: &mut String,
        file: &FileDescriptorProto,
        path: &[i32],
        message: &DescriptorProto,
        depth: usize,
    ) -> Result<(), ContractError> {
        let pad = "  ".repeat(depth);
        self.write_comment(out, file, path, &pad);
        out.push_str(&format!("{pad}message {} {{\n", message.name()));
        for (i, nested) in message.nested_type.iter().enumerate() {
            if nested.options.as_ref().is_some_and(|o| o.map_entry()) {
                return Err(ContractError::Unsupported(format!(
                    "map field in {}",
                    message.name()
                )));
            }
            let nested_path = [path, &[3, to_i32(i)]].concat();
            self.message(out, file, &nested_path, nested, depth + 1)?;
        }
        for (i, nested) in message.enum_type.iter().enumerate() {
            let nested_path = [path, &[4, to_i32(i)]].concat();
            self.enumeration(out, file, &nested_path, nested, depth + 1);
        }
        let inner = "  ".repeat(depth + 1);
        let mut open_oneof: Option<i32> = None;
        for (i, field) in message.field.iter().enumerate() {
            let real_oneof = field.oneof_index.filter(|_| !field.proto3_optional());
            if open_oneof.is_some() && open_oneof != real_oneof {
                out.push_str(&format!("{inner}}}\n"));
                open_oneof = None;
            }
            if let Some(index) = real_oneof
                && open_oneof.is_none()
            {
                let name = usize::try_from(index)
                    .ok()
                    .and_then(|i| message.oneof_decl.get(i))
                    .map_or("choice", |o| o.name());
                out.push_str(&format!("{inner}oneof {name} {{\n"));
                open_oneof = Some(index);
            }
            let field_pad = if open_oneof.is_some() {
                format!("{inner}  ")
            } else {
                inner.clone()
            };
            let field_path = [path, &[2, to_i32(i)]].concat();
            self.write_comment(out, file, &field_path, &field_pad);
            let label = if field.label() == Label::Repeated {
                "repeated "
            } else if field.proto3_optional() {
                "optional "
            } else {
                ""
            };
            out.push_str(&format!(
                "{field_pad}{label}{} {} = {};\n",
                field_type(field),
                field.name(),
                field.number()
            ));
        }
        if open_oneof.is_some() {
            out.push_str(&format!("{inner}}}\n"));
        }
        out.push_str(&format!("{pad}}}\n"));
        Ok(())
    }

    fn enumeration(
        &self,
        out: &mut String,
        file: &FileDescriptorProto,
        path: &[i32],
        enumeration: &EnumDescriptorProto,
        depth: usize,
    ) {
        let pad = "  ".repeat(depth);
        self.write_comment(out, file, path, &pad);
        out.push_str(&format!("{pad}enum {} {{\n", enumeration.name()));
        for (i, value) in enumeration.value.iter().enumerate() {
            let value_path = [path, &[2, to_i32(i)]].concat();
            self.write_comment(out, file, &value_path, &format!("{pad}  "));
            out.push_str(&format!("{pad}  {} = {};\n", value.name(), value.number()));
        }
        out.push_str(&format!("{pad}}}\n"));
    }
}

/// Full names of the messages and enums a message's fields (and its nested
/// messages' fields) use.
fn referenced(message: &DescriptorProto) -> Vec<String> {
    let mut names: Vec<String> = message
        .field
        .iter()
        .filter(|f| matches!(f.r#type(), Type::Message | Type::Enum))
        .map(|f| f.type_name().to_owned())
        .collect();
    for nested in &message.nested_type {
        names.extend(referenced(nested));
    }
    names
}

/// The type as written in the rendered source: scalars by keyword, types
/// by their name inside the (flattened) top-level scope.
fn field_type(field: &FieldDescriptorProto) -> String {
    match field.r#type() {
        Type::Message | Type::Enum => {
            let name = field.type_name();
            // `.pkg.v1.Outer.Inner` -> `Outer.Inner`: package segments are
            // lowercase, type names are not.
            name.split('.')
                .skip_while(|s| s.is_empty() || s.starts_with(|c: char| c.is_ascii_lowercase()))
                .collect::<Vec<_>>()
                .join(".")
        }
        scalar => scalar
            .as_str_name()
            .trim_start_matches("TYPE_")
            .to_ascii_lowercase(),
    }
}

fn short_name(full_name: &str) -> &str {
    full_name.rsplit('.').next().unwrap_or(full_name)
}

fn to_i32(index: usize) -> i32 {
    i32::try_from(index).unwrap_or(i32::MAX)
}
