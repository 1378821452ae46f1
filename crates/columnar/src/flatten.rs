//! The fields a table offers: its columns, with struct columns flattened into `parent.child`
//! fields the way NERM JSON records are ([`leaves_of`]), every one of a type nebulk can render
//! as text; and each batch's series for those fields ([`leaf_series`]).

use polars::prelude::*;

use crate::ColumnarError;

/// One field of the table: a column, or a field of a struct column (at any depth).
#[derive(Debug, Clone)]
pub(crate) struct Leaf {
    /// `parent.child` for a struct's field.
    pub name: String,
    /// The index of the column, then of the field in each struct on the way down.
    pub path: Vec<usize>,
}

/// The fields of a table of `schema`, in column order, structs flattened; a column (or a
/// struct's field) of a type nebulk does not render is an error naming it.
pub(crate) fn leaves_of(schema: &Schema) -> Result<Vec<Leaf>, ColumnarError> {
    let mut leaves = Vec::new();
    for (index, (name, dtype)) in schema.iter().enumerate() {
        push_leaves(name.as_str(), dtype, vec![index], &mut leaves)?;
    }
    Ok(leaves)
}

fn push_leaves(
    name: &str,
    dtype: &DataType,
    path: Vec<usize>,
    leaves: &mut Vec<Leaf>,
) -> Result<(), ColumnarError> {
    match dtype {
        DataType::Struct(fields) if fields.is_empty() => Err(unreadable(name, dtype)),
        DataType::Struct(fields) => {
            for (index, field) in fields.iter().enumerate() {
                let mut inner = path.clone();
                inner.push(index);
                push_leaves(
                    &format!("{name}.{}", field.name()),
                    field.dtype(),
                    inner,
                    leaves,
                )?;
            }
            Ok(())
        }
        DataType::List(inner) if is_scalar(inner) => {
            leaves.push(Leaf {
                name: name.to_string(),
                path,
            });
            Ok(())
        }
        dtype if is_scalar(dtype) => {
            leaves.push(Leaf {
                name: name.to_string(),
                path,
            });
            Ok(())
        }
        dtype => Err(unreadable(name, dtype)),
    }
}

/// Whether a value of `dtype` renders as one text ([`crate::cells`]).
pub(crate) fn is_scalar(dtype: &DataType) -> bool {
    dtype.is_bool()
        || dtype.is_integer()
        || dtype.is_float()
        || dtype.is_string()
        || dtype.is_categorical()
        || dtype.is_enum()
        || matches!(
            dtype,
            DataType::Date | DataType::Datetime(..) | DataType::Time | DataType::Null
        )
}

fn unreadable(name: &str, dtype: &DataType) -> ColumnarError {
    ColumnarError::Invalid(format!(
        "column `{name}` is of type {dtype}, which nebulk does not read (it reads text, \
         numbers, booleans, dates, date-times, times, structs of those and lists of them)"
    ))
}

/// The series of `leaf` in a batch, and whether each row's value is there: false where a
/// struct it is inside is null.
pub(crate) fn leaf_series(
    batch: &DataFrame,
    leaf: &Leaf,
) -> Result<(Series, Option<BooleanChunked>), ColumnarError> {
    let missing =
        || ColumnarError::Invalid(format!("column `{}` is missing from a batch", leaf.name));
    let (first, rest) = leaf.path.split_first().ok_or_else(missing)?;
    let mut series = batch
        .columns()
        .get(*first)
        .ok_or_else(missing)?
        .as_materialized_series()
        .clone();
    let mut present: Option<BooleanChunked> = None;
    for index in rest {
        let fields = series
            .struct_()
            .map_err(|e| ColumnarError::polars(format!("column `{}`", leaf.name), e))?;
        let here = fields.is_not_null();
        present = Some(match present {
            Some(outer) => &outer & &here,
            None => here,
        });
        series = fields
            .fields_as_series()
            .into_iter()
            .nth(*index)
            .ok_or_else(missing)?;
    }
    Ok((series, present))
}
