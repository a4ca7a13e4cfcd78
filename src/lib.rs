//! `stance`: who stands where on US–Russia rapprochement, in news articles.
//!
//! The pipeline: an [`article::Article`] is split into paragraphs and sentences; the
//! [`actors::Gazetteer`] finds the actors; for each (paragraph, actor) pair the
//! [`features::Analyzer`] builds a bag of stemmed, masked, negation-marked n-grams, which a
//! [`vectorize::Vectorizer`] turns into a TF-IDF row; two [`logistic`] models label the
//! pair's stance and sentiment; [`report`] aggregates the pairs per actor
//! ([`aggregate`] holds the stacked article-level model).

pub mod actors;
pub mod aggregate;
pub mod article;
pub mod error;
pub mod features;
pub mod io;
pub mod logistic;
pub mod vectorize;

pub use error::{Error, Result};
pub mod cli;
pub mod data;
pub mod eval;
pub mod fuzzing;
pub mod html;
pub mod input;
pub mod mentions;
pub mod metrics;
pub mod model;
pub mod output;
pub mod report;
pub mod resolve;
pub mod summary;
pub mod train;
pub mod validate;
