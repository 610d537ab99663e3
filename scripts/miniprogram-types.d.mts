export declare const API_TYPES_FILE: string;
export declare const BEGIN_MARK: string;
export declare const END_MARK: string;
export declare function renderOpenApiTypes(document: object): Promise<string>;
export declare function renderApiTypes(document: object, currentText: string): Promise<string>;
